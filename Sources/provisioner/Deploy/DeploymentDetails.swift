import FleetAPI
import HelmDriver

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
    /// The chart the work installs (or plans): its digest and verification; nil for object sets.
    var pulledChart: PulledChart?
    /// Values fetched for `ValuesFrom`: removed, like the request's own secrets, from all of the
    /// above before anyone sees it.
    var fetchedSecrets: [String] = []

    init(report: StrategyReport? = nil, log: [String] = []) {
        self.report = report
        self.log = log
    }

    /// The helm strategy's report, when it did the work.
    var helm: HelmReport? {
        if case .helm(let report) = report { report } else { nil }
    }

    /// The release (or object set) as it stands afterwards, whichever strategy did the work.
    var release: ReleaseInfo? {
        switch report {
        case .helm(let report): report.release
        case .objects(let record): record.map(ReleaseInfo.init)
        case nil: nil
        }
    }
}

/// A strategy's report of what it deployed; one case per `DeploymentStrategy`.
enum StrategyReport: Sendable, Equatable {
    case helm(HelmReport)
    /// The object set's record afterwards; nil when there is none (deleted, or never applied).
    case objects(ObjectRecord?)
}

extension ReleaseInfo {
    /// An object set as the wire's `Release` shows it: named like a chart release
    /// (`NAME-VERSION`), so the cloud server reads its version the same way.
    init(_ record: ObjectRecord) {
        self.init(
            name: record.name,
            namespace: record.namespace,
            revision: record.revision,
            status: record.status == .deployed ? .deployed : record.status == .failed ? .failed : .pendingUpgrade,
            chart: "\(record.name)-\(record.version)",
            firstDeployed: record.firstApplied
        )
    }
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
