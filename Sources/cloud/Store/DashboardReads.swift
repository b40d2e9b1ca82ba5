/// The reads only the dashboard makes: a page of the fleet and what it shows of each cluster.
protocol DashboardReads: Sendable {
    /// These clusters, in this order; unknown or deleted ones left out.
    func clusters(ids: [String]) async throws -> [Cluster]
    /// The newest deployment of each (cluster, service) of these clusters.
    func latestDeployments(clusters: [String]) async throws -> [Deployment]
    /// A cluster's newest deployments, newest first.
    func recentDeployments(cluster: String, limit: Int) async throws -> [Deployment]
    /// Every cluster, in registration order, as the fleet page summarises it; `failedRecently`
    /// says whether one of its deployments created since `time` failed.
    func fleetOverview(failedSince time: Int64) async throws -> [ClusterOverview]
    /// Deployments not yet final, those created since `time` that failed, and the fleet's drifted utilities.
    func fleetCounts(failedSince time: Int64) async throws -> (inFlight: Int, failed: Int, driftedUtilities: Int)
}
