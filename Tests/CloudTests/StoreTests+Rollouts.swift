import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// Rollouts in the store, on both databases.
extension StoreTests {
    /// The lifecycle the store tests advance rollouts with.
    var rolloutLifecycle: RolloutLifecycle { RolloutLifecycle(deployments: DeploymentLifecycle(configuration: .init())) }

    /// Two stores on one new database, as two cloud servers sharing it; the first has registered
    /// `names` as clusters and created a rollout over them.
    func twoServersWithRollout(_ backend: StoreBackend, over names: [String]) async throws -> (first: any Store, second: any Store, rollout: Rollout)
    {
        let database = try await StoreDatabase.make(backend)
        let (first, second) = (try await database.open(), try await database.open())
        let clusters = names.map { cluster($0) }
        for registered in clusters { try await first.createCluster(registered, kubeconfig: .inline("k")) }
        let created = try rollout(over: clusters)
        try await first.createRollout(created, audit: nil)
        return (first, second, created)
    }

    /// A rollout of nginx 2.0.0 over `clusters`, one wave each, as the lifecycle creates it.
    func rollout(over clusters: [Cluster]) throws -> Rollout {
        let lifecycle = rolloutLifecycle
        let strategy = RolloutStrategy(
            batchSize: .clusters(1),
            maxFailures: .clusters(0),
            soakSeconds: 0,
            timeoutSeconds: 60,
            approval: .none,
            canaries: 0,
            canaryClusters: []
        )
        return lifecycle.created(
            service: "nginx",
            target: DeploymentSpec(action: .apply, chart: ChartRequest(version: "2.0.0")),
            strategy: strategy,
            selection: "test",
            plan: try RolloutPlan(targets: clusters.map(\.id), canaries: .none, batchSize: .clusters(1)),
            names: [:]
        )
    }

    @Test("rollouts started at once on shared (cluster, service) pairs: exactly one is written", arguments: backends)
    func overlappingRolloutsRace(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let (first, second) = (try await database.open(), try await database.open())
        let clusters = [cluster("a"), cluster("b")]
        for registered in clusters { try await first.createCluster(registered, kubeconfig: .inline("k")) }
        let candidates = try (0..<8).map { _ in try rollout(over: clusters) }
        let written = await withTaskGroup(of: Bool.self) { group in
            for (index, candidate) in candidates.enumerated() {
                group.addTask { (try? await (index.isMultiple(of: 2) ? first : second).createRollout(candidate, audit: nil)) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(written == 1)
        #expect(try await first.unfinishedRollouts().count == 1)
    }

    @Test("an advance gets the recorded facts and writes the wave's deployments and desired versions with the rollout", arguments: backends)
    func advanceWritesTogether(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let other = cluster("other")
        try await store.createCluster(other, kubeconfig: .inline("k"))
        let created = try rollout(over: [registered, other])
        try await store.createRollout(created, audit: nil)
        let lifecycle = rolloutLifecycle

        let advanced = try await store.updateRollout(created.id, gatheringFacts: true, audit: nil) { rollout, facts in
            #expect(facts.clusters?.keys.sorted() == [registered.id], "only the next wave's clusters are read")
            return try lifecycle.apply(.advance(facts), to: &rollout).writes
        }
        let deploymentID = try #require(advanced.clusters[0].deploymentID)
        #expect(try await store.deployment(deploymentID)?.chart?.version == "2.0.0")
        #expect(try await store.cluster(registered.id)?.utilities.desiredVersions["nginx"] == .some(UtilityVersion(chart: "2.0.0")))
        #expect(try await store.cluster(other.id)?.utilities.desiredVersions["nginx"] == nil)
        #expect(try await store.rollout(created.id) == advanced)
    }

    @Test("a rollout that has ended frees its pairs for the next", arguments: backends)
    func finalFreesPairs(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let first = try rollout(over: [registered])
        try await store.createRollout(first, audit: nil)
        await #expect(throws: StoreError.self) { try await store.createRollout(try rollout(over: [registered]), audit: nil) }
        let lifecycle = rolloutLifecycle
        try await store.updateRollout(first.id, gatheringFacts: false, audit: nil) { rollout, _ in
            try lifecycle.apply(.cancel, to: &rollout).writes
        }
        try await store.createRollout(try rollout(over: [registered]), audit: nil)
        #expect(try await store.rollouts(state: .cancelled, page: 0, perPage: 10).map(\.id) == [first.id])
    }

    @Test("the last apply is the newest succeeded apply: later plans, checks and verifications do not count", arguments: backends)
    func lastApplyIgnoresReadOnlyActions(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        var applied = deployment(registered, "nginx", at: 1, state: .succeeded)
        applied.values = ["replicas": 2]
        var later: [Deployment] = []
        for (index, action) in [DeploymentAction.plan, .check, .verify].enumerated() {
            var readOnly = deployment(registered, "nginx", at: Int64(2 + index), state: .succeeded)
            readOnly.action = action
            readOnly.values = ["replicas": 9]
            later.append(readOnly)
        }
        try await store.createDeployments([applied] + later, desiredVersions: nil)
        #expect(try await store.lastApplied(cluster: registered.id, service: "nginx")?.id == applied.id)
        #expect(try await store.lastApplied(cluster: registered.id, service: "prometheus") == nil)
    }

    @Test("a rollout another server changed is read as that server wrote it, not as this one last saw it", arguments: backends)
    func changesFromAnotherServerAreRead(_ backend: StoreBackend) async throws {
        let (first, second, created) = try await twoServersWithRollout(backend, over: ["a"])
        _ = try await first.updateRollout(created.id, gatheringFacts: false, audit: nil) { rollout, _ in
            rollout.error = "seen by the first"
            return RolloutWrites()
        }

        _ = try await second.updateRollout(created.id, gatheringFacts: false, audit: nil) { rollout, _ in
            #expect(rollout.error == "seen by the first")
            rollout.error = "written by the second"
            return RolloutWrites()
        }

        _ = try await first.updateRollout(created.id, gatheringFacts: false, audit: nil) { rollout, _ in
            #expect(rollout.error == "written by the second")
            return RolloutWrites()
        }
    }
}
