/// What a release operation came to.
public struct ReleaseResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        case succeeded
        case failed(HelmError)
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

    public init(
        outcome: Outcome, recovery: RemediationRecord? = nil, remediation: RemediationRecord? = nil,
        release: ReleaseInfo? = nil, log: [String] = []
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

/// What `ReleaseManager.apply` installs: a chart reference helm understands and values files.
public struct ReleaseSpec: Sendable {
    public var release: ReleaseRef
    /// A local chart path or `REPO/CHART`.
    public var chart: String
    /// Passed as --version; nil for a local chart, whose version is its own.
    public var version: String?
    /// Layered in order, later documents winning, as with repeated `helm --values`.
    public var values: [ValuesDocument]
    /// Hook Jobs or Pods the chart runs on install and upgrade: helm waits for each up to its
    /// `--timeout`, so the deadline is shared among them and the wait for the release itself.
    public var hookWaits: Int

    public init(release: ReleaseRef, chart: String, version: String?, values: [ValuesDocument], hookWaits: Int = 0) {
        self.release = release
        self.chart = chart
        self.version = version
        self.values = values
        self.hookWaits = hookWaits
    }
}

/// A values file's contents (YAML, or JSON, which YAML reads too) and a name for its file.
public struct ValuesDocument: Sendable {
    public var name: String
    public var contents: String

    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}
