import FleetAPI
import HTTPTypes

/// Clusters joining and leaving the fleet.
extension Fleet {
    /// Registers a cluster under a new ID, with the kubeconfig (or where it is kept) the
    /// provisioners will get.
    func register(
        name: String,
        kubeconfig: ClusterKubeconfig,
        dns: DNSConfig?,
        labels: [String],
        audit: AuditTrail
    ) async throws -> Cluster {
        let cluster = Cluster(id: ID.make(), name: name, dns: dns, labels: labels, utilities: UtilityMetadata(), createAt: now())
        try await audit.recording(targets: [cluster.id], status: .ok) { entry in
            try await store.createCluster(cluster, kubeconfig: kubeconfig, audit: entry)
        }
        // Profiles that select it enrol it at once.
        profileChanges.wake()
        return cluster
    }

    /// Sets and removes labels in one store transaction; the cluster as it is then.
    /// A change re-evaluates the cluster against every profile.
    func relabel(_ id: String, set: [String: String], remove: [String], audit: AuditTrail) async throws -> Cluster {
        let cluster = try await audit.recording(targets: [id], status: .ok) { entry in
            try await store.changeLabels(ofCluster: id, audit: entry) { labels in
                labels = ClusterLabels.changed(labels, set: set, remove: remove)
            }
        }
        profileChanges.wake()
        return cluster
    }

    /// Marks the cluster deleted; refused while any of its deployments is not final.
    func deleteCluster(_ id: String, audit: AuditTrail) async throws {
        try await audit.recording(targets: [id], status: .noContent) { entry in
            try await store.deleteCluster(id, at: now(), audit: entry)
        }
        profileChanges.wake()
    }
}
