import FleetAPI

/// What the profiles last asked of one service on one cluster: the deciding profile and revision,
/// the apply it rendered to (or why rendering failed), what to do when the cluster leaves, and the
/// work that carries it out. The keeper compares each pass's render with this, so a cluster gets
/// work only when its render changed, and a restarted server asks nothing twice.
struct ProfileTarget: Codable, Sendable, Equatable {
    var clusterID: String
    var service: ServiceName
    var profile: String
    var revision: Int
    /// Nil when rendering failed for this cluster (`failure` says why).
    var spec: DeploymentSpec?
    var failure: String?
    var onLeave: Profile.OnLeave
    /// The rollout or deployment that carries the spec out.
    var rolloutID: String?
    var deploymentID: String?
    /// Set when the rollout of this revision was undone (its analysis failed it): the cluster keeps
    /// what it had, and drift correction restores that, until a new revision is applied.
    var held: Held? = nil

    struct Held: Codable, Sendable, Equatable {
        var revision: Int
        /// The rollout that failed, and the one that undid it.
        var rolloutID: String
        var undoneBy: String
        var reason: String
    }

    struct Key: Hashable, Sendable {
        var clusterID: String
        var service: ServiceName
    }

    var key: Key { Key(clusterID: clusterID, service: service) }
}

/// A change to the profile targets, written in the transaction that starts its work.
enum ProfileTargetChange: Sendable, Equatable {
    case set(ProfileTarget)
    /// The cluster left every profile that set the service.
    case remove(ProfileTarget.Key)
}
