import FleetAPI
import Foundation
import ServerSupport
import TestSupport

@testable import cloud

/// A fleet written straight into a database, as it would be after a 1,000-cluster rollout in which
/// two clusters failed: what the pages must make findable at a glance.
struct SeededRollout {
    var rolloutID: String
    var failed: [String]

    static func write(clusters count: Int, failing: Set<Int>, to database: String) async throws -> SeededRollout {
        let store = try await SQLStore(sqlite: database)
        let lifecycle = RolloutLifecycle(deployments: DeploymentLifecycle(configuration: .init(), clock: SystemClock()))
        var ids: [String] = []
        var names: [String: String] = [:]
        for index in 0..<count {
            let cluster = Cluster(
                id: ID.make(),
                name: "edge-\(String(format: "%04d", index))",
                dns: nil,
                labels: ["env=prod"],
                utilities: UtilityMetadata(actualVersions: ["prometheus": UtilityVersion(chart: failing.contains(index) ? "25.18.0" : "25.19.0")]),
                createAt: Int64(index)
            )
            try await store.createCluster(cluster, kubeconfig: .inline(KubeconfigSamples.make()))
            ids.append(cluster.id)
            names[cluster.id] = cluster.name
        }
        let strategy = RolloutStrategy(
            batchSize: .percent(20),
            maxFailures: .clusters(5),
            soakSeconds: 0,
            timeoutSeconds: 40,
            approval: .none,
            canaries: 3,
            canaryClusters: []
        )
        var rollout = lifecycle.created(
            service: "prometheus",
            target: DeploymentSpec(action: .apply, chart: ChartRequest(version: "25.19.0")),
            strategy: strategy,
            selection: "all clusters",
            plan: try RolloutPlan(targets: ids, strategy: strategy),
            names: names
        )
        let now = Date().millisecondsSince1970
        for (index, id) in ids.enumerated() {
            var deployment = Deployment.running(cluster: id, service: "prometheus", chart: ChartRequest(version: "25.19.0"))
            deployment.state = failing.contains(index) ? .failed : .succeeded
            deployment.error = failing.contains(index) ? "helm upgrade: context deadline exceeded (pods not ready)" : nil
            deployment.createAt = now
            try await store.createDeployments([deployment], desiredVersions: nil)
            rollout.clusters[index].deploymentID = deployment.id
            rollout.clusters[index].state = failing.contains(index) ? .failed : .succeeded
            rollout.clusters[index].reason = deployment.error
            rollout.clusters[index].startAt = now
            rollout.clusters[index].endAt = now + Int64(index) * 100
        }
        rollout.wave = rollout.waves.count - 1
        rollout.state = .succeeded
        rollout.endAt = now + Int64(count) * 100
        try await store.createRollout(rollout, audit: nil, profileTargets: [])
        return SeededRollout(rolloutID: rollout.id, failed: failing.sorted().map { ids[$0] })
    }
}
