import FleetAPI

/// One change rolled across many clusters in waves: the canaries, then batches, each gated on the
/// previous one's recorded outcome. A rollout only creates ordinary deployments; `RolloutLifecycle`
/// decides every transition and the store keeps it all, so any cloud server can carry it on.
struct Rollout: Codable, Sendable, Equatable {
    var id: String
    var service: ServiceName
    /// What every cluster gets unless its own `Target` says otherwise (an undo's clusters do).
    var target: DeploymentSpec
    var strategy: RolloutStrategy
    /// How the clusters were chosen, as the user said it (the set itself is fixed in `clusters`).
    var selection: String
    var state: RolloutState
    /// The state to go back to on `resume` while paused.
    var resumeTo: RolloutState?
    /// Cluster IDs wave by wave, fixed at creation.
    var waves: [[String]]
    /// The wave in flight, or the last one that ran; -1 before the first starts.
    var wave: Int
    /// The last wave whose soak and re-check are done, and the last a person approved to start.
    var soaked: Int
    var approved: Int
    var clusters: [RolloutCluster]
    /// While soaking: when the wave's soak ends and its releases are checked again.
    var soakUntil: Int64
    /// The rollout this one undoes.
    var undoes: String?
    /// The rollout that undid this one, made when its analysis halted it (`onFailure: undo`).
    var undoneBy: String? = nil
    /// The analysis of the wave that soaks now.
    var analysis: AnalysisProgress? = nil
    /// When its waves may start (a profile's window); nil: at any time. A wave in flight finishes.
    var window: MaintenanceWindow?
    var error: String?
    var history: [RolloutHistoryEntry]
    var createAt: Int64
    var updateAt: Int64
    var endAt: Int64
    /// W3C `traceparent` of the request that created it: its deployments' dispatches join that trace.
    var traceParent: String?

    func cluster(_ id: String) -> RolloutCluster? { clusters.first { $0.clusterID == id } }

    /// As the API shows it: waves counted from 1, as tables, pages, plans and people count them,
    /// 0 for none yet (`Wave` before the first starts, `Soaked` and `Approved` before any). The
    /// store keeps indices from 0, which every lifecycle step computes with.
    var countedFromOne: Rollout {
        var shown = self
        shown.wave += 1
        shown.soaked += 1
        shown.approved += 1
        shown.analysis?.wave += 1
        for index in shown.clusters.indices { shown.clusters[index].wave += 1 }
        return shown
    }
}

enum RolloutState: String, Codable, Sendable, CaseIterable {
    case waitingApproval = "waiting-approval"
    case running
    case soaking
    case paused
    /// More failures than the budget allows: no new wave starts; what is in flight finishes.
    case halted
    case succeeded
    /// Halted, then cancelled.
    case failed
    case cancelled

    var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// How a rollout goes: its waves' sizes, its failure budget, the pauses between and the gates.
struct RolloutStrategy: Codable, Sendable, Equatable {
    var batchSize: RolloutShare
    var maxFailures: RolloutShare
    var soakSeconds: Int
    /// Each cluster's deadline; a deployment still unfinished after it (and a grace) fails.
    var timeoutSeconds: Int
    var approval: RolloutApproval
    /// How the canaries were asked for, kept so an undo can use the same strategy.
    var canaries: Int
    var canaryClusters: [String]
    /// Re-runs of each cluster's failed apply.
    var retry: RetryPolicy?
    /// How each wave is judged by its clusters' metrics while it soaks.
    var analysis: RolloutAnalysis? = nil

    enum CodingKeys: String, CodingKey {
        case batchSize
        case maxFailures
        case soakSeconds
        case timeoutSeconds
        case approval
        case canaries = "canary"
        case canaryClusters
        case retry
        case analysis
    }
}

enum RolloutApproval: String, Codable, Sendable, CaseIterable {
    case none
    /// A person approves once the canary wave ended well (and soaked).
    case afterCanary = "after-canary"
    /// A person approves before every wave after the first.
    case everyBatch = "every-batch"
}

/// One target cluster's part in a rollout.
struct RolloutCluster: Codable, Sendable, Equatable {
    var clusterID: String
    var name: String
    var wave: Int
    var state: RolloutClusterState
    /// Only for clusters whose target differs from the rollout's (an undo's).
    var target: DeploymentSpec?
    var deploymentID: String?
    /// Why it failed or was skipped.
    var reason: String?
    /// What the cluster had before this rollout changed it (nil: the service was not installed),
    /// recorded when its deployment was created; an undo brings it back.
    var previous: DeploymentSpec?
    var startAt: Int64
    var endAt: Int64
    /// The chart its deployment installed (an OCI manifest digest or the archive's sha256), once it
    /// succeeded: a version published again with other content shows as clusters that differ.
    var chartDigest: String? = nil
    /// What the rollout's analysis found here, once its wave soaked with one.
    var analysis: ClusterAnalysis? = nil
}

enum RolloutClusterState: String, Codable, Sendable, CaseIterable {
    /// Its wave has not started.
    case waiting
    case running
    case succeeded
    case failed
    /// Nothing to do (already at the target, or the cluster is gone).
    case skipped
    /// The rollout ended before its wave started, or its deployment was cancelled with the rollout.
    case cancelled

    var isFinal: Bool { self != .waiting && self != .running }
}

/// One change of a rollout's or one of its clusters' state, with when it happened.
struct RolloutHistoryEntry: Codable, Sendable, Equatable {
    var time: Int64
    /// The rollout's or the cluster's new state.
    var state: String
    var clusterID: String?
    var detail: String?
}
