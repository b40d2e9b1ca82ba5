/// What the fleet page summarises of every cluster: enough for the version distribution, the
/// cards' filters and a cell per cluster, without reading whole clusters or deployments.
struct ClusterOverview: Sendable, Equatable {
    var id: String
    var name: String
    var labels: [String]
    /// The chart version each service runs.
    var versions: [String: String]
    /// The services the last drift checks found drifted.
    var drifted: Set<String>
    /// The state of each service's newest deployment (plans and checks aside).
    var latest: [String: CloudDeploymentState]
    /// A deployment failed here since the time asked about.
    var failedRecently: Bool
    /// A deployment here has not ended.
    var inFlight: Bool { latest.values.contains { !$0.isFinal } }
}
