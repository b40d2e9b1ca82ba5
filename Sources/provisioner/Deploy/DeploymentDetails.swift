import Internal

/// What a strategy reports about its work, as the deployment's status shows it. The helm strategy
/// fills every field; one without releases (manifests, an operator) leaves the records nil.
struct DeploymentDetails: Sendable, Equatable {
    /// Done before the operation, to a release left pending or broken by an earlier one.
    var recovery: RemediationRecord?
    /// Done after the operation failed.
    var remediation: RemediationRecord?
    /// The release's latest revision afterwards; nil when none exists.
    var release: ReleaseInfo?
    /// The commands that ran and the tail of what they printed.
    var log: [String]
    /// A plan's answer: what applying would change.
    var plan: ReleasePlan?
    /// A check's answer.
    var drift: DriftReport?

    init(recovery: RemediationRecord? = nil, remediation: RemediationRecord? = nil, release: ReleaseInfo? = nil, log: [String] = []) {
        self.recovery = recovery
        self.remediation = remediation
        self.release = release
        self.log = log
    }
}
