import FleetAPI

/// The registered clusters: their names, labels, DNS settings, kubeconfigs (or where they are
/// kept) and utility metadata.
protocol ClusterStore: Sendable {
    func createCluster(_ cluster: Cluster, kubeconfig: ClusterKubeconfig, audit: AuditEntry?) async throws
    func cluster(_ id: String) async throws -> Cluster?
    /// The registered cluster of this name (names are unique among them).
    func cluster(named name: String) async throws -> Cluster?
    /// The kubeconfig (or where it is kept) the provisioners get; never returned by the API.
    func kubeconfig(ofCluster id: String) async throws -> ClusterKubeconfig?
    /// Registered clusters in registration order; a label filter or a page reads whole clusters
    /// only for that page.
    func clusters(label: String?, page: Int, perPage: Int) async throws -> [Cluster]
    /// What filtering and paging the fleet need of every cluster, in registration order, without
    /// reading its utilities: decoding those took 3/4 of the dashboard's time at 10,000 clusters.
    func clusterSummaries() async throws -> [ClusterSummary]
    /// The clusters with at least one drifted utility, by an index however large the fleet.
    func driftedClusters() async throws -> [Cluster]
    /// Marks the cluster deleted; refused while any of its deployments is not final.
    func deleteCluster(_ id: String, at time: Int64, audit: AuditEntry?) async throws
    /// Changes a cluster's labels in one transaction; the cluster as it is then.
    func changeLabels(ofCluster id: String, audit: AuditEntry?, _ change: @Sendable (inout [String]) -> Void) async throws -> Cluster
    /// Changes a cluster's utility metadata in one transaction.
    func updateUtilities(ofCluster id: String, _ change: UtilitiesChange) async throws
    /// Records the cluster's Kubernetes version as its API server said it; whether it changed.
    func recordKubernetesVersion(ofCluster id: String, _ version: String) async throws -> Bool
}

/// Without an audit entry: for what the server does on its own account, and tests.
extension ClusterStore {
    func createCluster(_ cluster: Cluster, kubeconfig: ClusterKubeconfig) async throws {
        try await createCluster(cluster, kubeconfig: kubeconfig, audit: nil)
    }

    func deleteCluster(_ id: String, at time: Int64) async throws {
        try await deleteCluster(id, at: time, audit: nil)
    }
}

/// A change to a cluster's utility metadata, made inside a store transaction.
typealias UtilitiesChange = @Sendable (inout UtilityMetadata) -> Void

/// A cluster's kubeconfig as the store keeps it: the text, or only a reference to it in AWS.
enum ClusterKubeconfig: Sendable, Equatable {
    case inline(String)
    case source(KubeconfigSource)
}
