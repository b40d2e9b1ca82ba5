import FleetAPI
import ServerSupport

/// Services that cannot run beside each other on one cluster (`ConflictsWith`, as the provisioners
/// publish it): e.g. the `prometheus` chart and prometheus-operator's `prometheus-stack` both claim
/// `<cluster>.prometheus.<domain>`.
extension Fleet {
    /// Refuses (409) to apply a service where one it conflicts with is deployed, or to apply two
    /// such services to a cluster at once, naming the other.
    func refuseConflicts(_ work: [Work]) async throws {
        let conflicts = services.conflicts
        let applying = work.filter { $0.spec.action == .apply && conflicts[$0.service] != nil }
        guard !applying.isEmpty else { return }
        var clusters: [String: Cluster?] = [:]
        for item in applying {
            if clusters[item.clusterID] == nil { clusters[item.clusterID] = try await store.cluster(item.clusterID) }
            guard case .some(.some(let cluster)) = clusters[item.clusterID] else { continue }
            let others = conflicts[item.service] ?? []
            if let other = others.sorted().first(where: { cluster.utilities.deployed($0) }) {
                throw APIError.conflict(
                    "\(other) is deployed on cluster \(cluster.name); \(item.service) cannot run beside it: delete \(other) first"
                )
            }
            if let other = applying.first(where: { $0.clusterID == item.clusterID && others.contains($0.service) }) {
                throw APIError.conflict("\(item.service) and \(other.service) cannot both run on cluster \(cluster.name)")
            }
        }
    }
}

extension UtilityMetadata {
    /// Whether a version of `service` is deployed now.
    func deployed(_ service: ServiceName) -> Bool {
        if case .some(.some) = actualVersions[service.rawValue] { return true }
        return false
    }
}
