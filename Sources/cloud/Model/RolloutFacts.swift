/// What was recorded about a rollout's clusters, read in the transaction that advances it: what
/// `RolloutLifecycle` advances from.
struct RolloutFacts: Sendable {
    /// How the rollout's running deployments stand, by ID.
    var deployments: [String: Outcome] = [:]
    /// The clusters of the waves that may start, those that still exist, by ID; nil when they
    /// were not read (a wave is in flight), and no wave may start from this advance.
    var clusters: [String: Cluster]?
    /// Per cluster, the last deployment that applied the rollout's service successfully: what
    /// values the cluster runs with.
    var lastApplied: [String: Deployment] = [:]
    /// What the profiles asked of the rollout's clusters, read when a halted rollout is to be
    /// undone: the targets it carried out are held at their revision.
    var profileTargets: [ProfileTarget] = []

    /// What an advance needs of a running deployment: its state, why it failed, and the chart it
    /// installed. Not the whole deployment: each advance reads every one of the wave's, and most
    /// have not ended.
    struct Outcome: Sendable, Equatable {
        var state: CloudDeploymentState
        var error: String?
        var chartDigest: String? = nil
    }
}

/// What to write in the same transaction as a rollout: the deployments an advance starts, the
/// clusters' new desired versions, and the rollout that undoes it when its analysis halted it.
struct RolloutWrites: Sendable, Equatable {
    var deployments: [Deployment] = []
    var rollouts: [Rollout] = []
    /// The profile targets an undo holds.
    var profileTargets: [ProfileTargetChange] = []
    /// Per cluster, the service's new desired version (nil: none, for a delete).
    var desiredVersions: [String: UtilityVersion?] = [:]
}
