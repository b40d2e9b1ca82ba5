import FleetAPI

/// How a profile stands on each cluster it selects, per service: `GET /api/profile/{name}/status`.
struct ProfileStatus: Codable, Sendable, Equatable {
    var name: String
    var revision: Int
    var clusters: [Entry]
    /// How many entries are in each state.
    var counts: [String: Int]
    /// The revision whose rollout was undone, while the profile holds clusters at what they had.
    var held: ProfileTarget.Held? = nil

    struct Entry: Codable, Sendable, Equatable {
        var clusterID: String
        var name: String
        var service: ServiceName
        var state: State
        /// The profile revision the cluster was last given; nil before its first.
        var revision: Int?
        /// Why it failed, drifted or waits.
        var detail: String?
        var rolloutID: String?
        var deploymentID: String?
    }

    enum State: String, Codable, Sendable, CaseIterable {
        case inSync = "in-sync"
        case rollingOut = "rolling-out"
        case failed
        case drifted
        case waitingForWindow = "waiting-for-window"
        /// Selected, but not yet asked (the next keeper pass does).
        case pending
        /// Its revision's rollout was undone: the cluster keeps what it had until a new revision.
        case held
    }
}
