import FleetAPI

/// What applying a profile document would change, per cluster and service, by wave:
/// `POST /api/profiles/plan`. Nothing is changed.
struct ProfilePlan: Codable, Sendable, Equatable {
    var name: String
    /// The revision applying it would make (the current one when the document is unchanged).
    var revision: Int
    var changes: [Entry]
    /// Selected (cluster, service) pairs the document leaves as they are.
    var unchanged: Int

    struct Entry: Codable, Sendable, Equatable {
        var clusterID: String
        var name: String
        var service: ServiceName
        var change: Change
        /// The wave of the profile's rollout (1 first); nil outside waves (an install on a
        /// cluster the profile did not set this service on, a removal).
        var wave: Int?
        /// Chart versions before and after; nil when not installed by the profile / removed.
        var from: String?
        var to: String?
        var valuesChanged: Bool
        /// Why rendering fails for this cluster, or why it waits.
        var detail: String?
        /// With `?diff=true`: the `plan` deployment that shows what helm would change here.
        var planDeploymentID: String? = nil

        /// `changed`, `same`, or `-` where no values are applied (a failure, a removal, a wait).
        var valuesShown: String {
            change == .install || change == .upgrade ? (valuesChanged ? "changed" : "same") : "-"
        }
    }

    enum Change: String, Codable, Sendable {
        case install, upgrade, remove, failed
        case waitingForWindow = "waiting-for-window"
    }
}
