public import FleetAPI

/// What a release operation came to.
public struct ReleaseResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        case succeeded
        case failed(HelmError)
        /// Helm did not run to the end because its private workspace (kubeconfig, values files)
        /// could not be set up; why.
        case workspaceFailed(String)
        case cancelled
        case deadlineExceeded
    }

    public var outcome: Outcome
    /// Done before the operation, to a release left pending or broken by an earlier one.
    public var recovery: RemediationRecord?
    /// Done after the operation failed, according to the remediation policy.
    public var remediation: RemediationRecord?
    /// The release's latest revision afterwards; nil when no release exists.
    public var release: ReleaseInfo?
    /// The helm commands that ran and the tail of what they printed.
    public var log: [String]
    /// For a plan: what applying would change.
    public var plan: ReleasePlan?

    public init(
        outcome: Outcome,
        recovery: RemediationRecord? = nil,
        remediation: RemediationRecord? = nil,
        release: ReleaseInfo? = nil,
        log: [String] = []
    ) {
        self.outcome = outcome
        self.recovery = recovery
        self.remediation = remediation
        self.release = release
        self.log = log
    }

    init(stoppedBy error: HelmError) {
        switch error.kind {
        case .cancelled: self.init(outcome: .cancelled)
        case .deadlineExceeded: self.init(outcome: .deadlineExceeded)
        default: self.init(outcome: .failed(error))
        }
    }
}
