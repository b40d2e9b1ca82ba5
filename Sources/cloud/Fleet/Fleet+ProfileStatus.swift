import FleetAPI
import Foundation
import ServerSupport

/// How a profile stands on its clusters, from what it asked of each (cluster, service) and how
/// the work that carries it out went.
extension Fleet {
    /// - Parameters:
    ///   - reconciliation: the fleet as read for this request (`profileReconciliation()`).
    ///   - drift: the drift found on the clusters that have some, by cluster (`driftByCluster()`).
    func status(
        of revised: ProfileReconciliation.Revised,
        in reconciliation: ProfileReconciliation,
        drift drifted: [String: [String: DriftStatus]]
    ) async throws -> ProfileStatus {
        let profile = revised.profile
        let targets = reconciliation.targets
        let windowClosed = profile.window.map { !$0.contains(reconciliation.now) } ?? false
        var rollouts: [String: Rollout] = [:]
        var entries: [ProfileStatus.Entry] = []
        var heldRevision: ProfileTarget.Held?
        for cluster in reconciliation.clusters where profile.selector.matches(cluster.labels) {
            let drift = drifted[cluster.id] ?? [:]
            for service in profile.services.keys.sorted() {
                var entry = ProfileStatus.Entry(clusterID: cluster.id, name: cluster.name, service: ServiceName(service), state: .pending)
                guard let target = targets[ProfileTarget.Key(clusterID: cluster.id, service: ServiceName(service))], target.profile == profile.name
                else {
                    if windowClosed, profile.newClusters == .nextWindow { entry.state = .waitingForWindow }
                    if cluster.kubernetesVersion == nil, profile.services[service]?.versionsByKubernetes.isEmpty == false {
                        entry.detail = "waits for the cluster's Kubernetes version to be read"
                    }
                    entries.append(entry)
                    continue
                }
                entry.revision = target.revision
                entry.rolloutID = target.rolloutID
                entry.deploymentID = target.deploymentID
                if let held = target.held {
                    heldRevision = heldRevision ?? held
                    entry.state = .held
                    entry.detail =
                        "revision \(held.revision) was undone by rollout \(held.undoneBy) (\(held.reason)); "
                        + "the cluster keeps what it had until a new revision is applied"
                } else if let failure = target.failure {
                    (entry.state, entry.detail) = (.failed, failure)
                } else if let id = target.rolloutID {
                    if rollouts[id] == nil { rollouts[id] = try await store.rollout(id) }
                    (entry.state, entry.detail) = Self.state(in: rollouts[id], cluster: cluster.id)
                    entry.deploymentID = rollouts[id]?.cluster(cluster.id)?.deploymentID
                } else if let id = target.deploymentID, let deployment = try await store.deployment(id) {
                    (entry.state, entry.detail) =
                        deployment.state == .succeeded ? (.inSync, nil) : deployment.state.isFinal ? (.failed, deployment.error) : (.rollingOut, nil)
                } else {
                    entry.state = .inSync
                }
                if entry.state == .inSync, let found = drift[service], found.state == .drifted {
                    (entry.state, entry.detail) = (.drifted, found.reasons.joined(separator: "; "))
                }
                entries.append(entry)
            }
        }
        let counts = Dictionary(grouping: entries, by: \.state.rawValue).mapValues(\.count)
        return ProfileStatus(name: profile.name, revision: revised.revision, clusters: entries, counts: counts, held: heldRevision)
    }

    /// The drift of every cluster that has some, from the store's index of drifted clusters.
    func driftByCluster() async throws -> [String: [String: DriftStatus]] {
        Dictionary(try await store.driftedClusters().map { ($0.id, $0.utilities.drift ?? [:]) }) { $1 }
    }

    /// Where a cluster is in a profile's rollout.
    private static func state(in rollout: Rollout?, cluster: String) -> (ProfileStatus.State, String?) {
        guard let rollout, let part = rollout.cluster(cluster) else { return (.pending, nil) }
        switch part.state {
        case .succeeded, .skipped: return (.inSync, nil)
        case .failed: return (.failed, part.reason)
        case .cancelled: return (.failed, "its rollout \(rollout.id) was cancelled")
        case .running: return (.rollingOut, nil)
        case .waiting:
            if rollout.state.isFinal { return (.failed, "its rollout \(rollout.id) \(rollout.state.rawValue)") }
            if rollout.history.last?.state == "waiting-for-window" { return (.waitingForWindow, rollout.history.last?.detail) }
            return (.rollingOut, "waits for wave \(part.wave + 1) of rollout \(rollout.id)")
        }
    }
}
