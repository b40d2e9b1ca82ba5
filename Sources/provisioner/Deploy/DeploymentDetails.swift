import FleetAPI

/// What a strategy reports about its work, as the deployment's status shows it: the strategy's
/// own report of what it deployed, and what every strategy says (its log, a plan's or a check's
/// answer).
struct DeploymentDetails: Sendable, Equatable {
    /// What the strategy reports of what it deployed, in its own terms.
    var report: StrategyReport?
    /// The commands that ran and the tail of what they printed.
    var log: [String]
    /// A plan's answer: what applying would change.
    var plan: ReleasePlan?
    /// A check's answer.
    var drift: DriftReport?
    /// Values fetched for `ValuesFrom`: removed, like the request's own secrets, from all of the
    /// above before anyone sees it.
    var fetchedSecrets: [String] = []

    init(report: StrategyReport? = nil, log: [String] = []) {
        self.report = report
        self.log = log
    }

    /// The helm strategy's report, when it did the work.
    var helm: HelmReport? {
        switch report {
        case .helm(let report): report
        case nil: nil
        }
    }
}

/// A strategy's report of what it deployed; one case per `DeploymentStrategy`.
enum StrategyReport: Sendable, Equatable {
    case helm(HelmReport)
}

/// What the helm strategy reports: the release, and what was done to it besides the operation.
struct HelmReport: Sendable, Equatable {
    /// Done before the operation, to a release left pending or broken by an earlier one.
    var recovery: RemediationRecord?
    /// Done after the operation failed.
    var remediation: RemediationRecord?
    /// The release's latest revision afterwards; nil when none exists.
    var release: ReleaseInfo?
}
