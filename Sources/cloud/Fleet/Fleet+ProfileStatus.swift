import FleetAPI
import Foundation
import ServerSupport

/// How a profile stands on its clusters, from what it asked of each (cluster, service) and how
/// the work that carries it out went.
extension Fleet {
    func status(of revised: ProfileReconciliation.Revised) async throws -> ProfileStatus {
        let profile = revised.profile
        let clusters = try await clusterFacts().filter { profile.selector.matches($0.labels) }
        let targets = Dictionary(try await store.profileTargets().map { ($0.key, $0) }) { $1 }
        let windowClosed = profile.window.map { !$0.contains(Date(timeIntervalSince1970: Double(now()) / 1000)) } ?? false
        var rollouts: [String: Rollout] = [:]
        var entries: [ProfileStatus.Entry] = []
        for cluster in clusters {
            let decided = ProfileEvaluation.targets(for: cluster, profiles: [profile])
            let drift = try await store.cluster(cluster.id)?.utilities.drift ?? [:]
            for service in decided.keys.sorted() {
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
                if let failure = target.failure {
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
        return ProfileStatus(name: profile.name, revision: revised.revision, clusters: entries, counts: counts)
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
