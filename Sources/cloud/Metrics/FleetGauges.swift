/// What the fleet looks like now, read from the store when Prometheus scrapes: the gauges of
/// `FleetMetrics`. Counts, not clusters: nothing here grows with the fleet's size.
struct FleetGauges: Sendable, Equatable {
    struct ServiceState: Hashable, Sendable {
        var service: String
        var state: String
    }

    /// A rollout not yet ended, where it is.
    struct ActiveRollout: Sendable, Equatable {
        var id: String
        var service: String
        /// 1-based; 0 before the first wave starts.
        var wave: Int
        var waves: Int
    }

    /// Deployments not yet ended, by service and state.
    var unfinishedDeployments: [ServiceState: Int] = [:]
    /// Rollouts stored, by state.
    var rollouts: [String: Int] = [:]
    var activeRollouts: [ActiveRollout] = []
    var clusters = 0
    var driftedClusters = 0
    var driftedUtilities = 0
    /// Webhook deliveries by state: `pending` (to send or retry) and `dead` (given up).
    var webhookDeliveries: [String: Int] = [:]
    /// When the oldest pending delivery was due (milliseconds since 1970); nil when none is pending.
    var oldestDeliveryDueAt: Int64?
}
