import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// Every store behaviour, on SQLite files and on a real PostgreSQL (one database per test).
@Suite("Store", .tags(.integration), .skippedInFastRuns)
struct StoreTests {
    static let backends = StoreBackend.available

    func cluster(_ name: String = "c1", labels: [String] = [], at time: Int64 = 1) -> Cluster {
        Cluster(id: ID.make(), name: name, dns: nil, labels: labels, utilities: UtilityMetadata(), createAt: time)
    }

    func deployment(_ cluster: Cluster, _ service: ServiceName, at time: Int64, state: CloudDeploymentState = .requested) -> Deployment {
        var deployment = Deployment.requested(
            clusterID: cluster.id,
            service: service,
            spec: DeploymentSpec(action: .apply, chart: ChartRequest(version: "1.0.0"), values: nil),
            timeoutSeconds: nil,
            now: time
        )
        deployment.state = state
        return deployment
    }

    /// A new database with one registered cluster, and its store.
    func storeWithCluster(_ backend: StoreBackend) async throws -> (any Store, Cluster) {
        let store = try await StoreDatabase.make(backend).open()
        let registered = cluster()
        try await store.createCluster(registered, kubeconfig: .inline("k"))
        return (store, registered)
    }

    @Test("a PostgreSQL server starts for the store tests", .enabled(if: PostgresServer.isInstalled, Comment(rawValue: PostgresServer.notInstalled)))
    func postgresRuns() async throws {
        let database = try await StoreDatabase.make(.postgres)
        #expect(try await database.sql("SELECT 1").first?.first == .integer(1))
    }

    // MARK: Clusters

    @Test("cluster names are unique among registered clusters", arguments: backends)
    func uniqueNames(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        try await store.createCluster(cluster("prod"), kubeconfig: .inline("k"))
        await #expect(throws: StoreError.self) { try await store.createCluster(cluster("prod"), kubeconfig: .inline("k")) }
    }

    @Test("a deleted cluster's name can be registered again", arguments: backends)
    func nameFreedByDelete(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        let first = cluster("prod")
        try await store.createCluster(first, kubeconfig: .inline("k"))
        try await store.deleteCluster(first.id, at: 2)
        let second = cluster("prod")
        try await store.createCluster(second, kubeconfig: .inline("k"))
        #expect(try await store.clusters(label: nil, page: 0, perPage: 10).map(\.name) == ["prod"])
        #expect(try await store.cluster(named: "prod")?.id == second.id, "a name finds the registered cluster, not the deleted one")
        #expect(try await store.cluster(named: "staging") == nil)
    }

    @Test("a cluster with a deployment in flight cannot be deleted; afterwards it can", arguments: backends)
    func deleteRefusedWhileBusy(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let running = deployment(registered, "nginx", at: 1, state: .running)
        try await store.createDeployments([running], desiredVersions: nil)

        await #expect(throws: StoreError.self) { try await store.deleteCluster(registered.id, at: 2) }
        try await store.updateDeployment(running.id) { $0.state = .succeeded }
        try await store.deleteCluster(registered.id, at: 3)
        #expect(try await store.cluster(registered.id) == nil)
    }

    @Test("clusters list in registration order, filtered by label, and page", arguments: backends)
    func clustersByLabel(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        let clusters = [cluster("c", labels: ["prod"], at: 3), cluster("a", labels: ["prod"], at: 1), cluster("b", at: 2)]
        for registered in clusters { try await store.createCluster(registered, kubeconfig: .inline("k")) }

        #expect(try await store.clusters(label: "prod", page: 0, perPage: 10).map(\.name) == ["a", "c"])
        #expect(try await store.clusters(label: "prod", page: 1, perPage: 1).map(\.name) == ["c"])
        #expect(try await store.clusters(label: nil, page: 1, perPage: 2).map(\.name) == ["c"])
        #expect(try await store.clusters(label: nil, page: 0, perPage: Int.max).map(\.name) == ["a", "b", "c"])
        #expect(try await store.clusters(label: nil, page: 1, perPage: Int.max).isEmpty, "past the end, without overflowing")
        #expect(try await store.clusters(label: "prod", page: 1, perPage: Int.max).isEmpty)
    }

    @Test("the fleet's names and labels come in registration order, and whole clusters by ID in the order asked", arguments: backends)
    func summariesAndClustersByID(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        // Many IDs in one statement, as a page of 1,000 or a rollout's facts ask.
        let clusters = (0..<600).map { cluster("c\($0)", labels: $0 % 2 == 0 ? ["even"] : [], at: Int64($0)) }
        for registered in clusters { try await store.createCluster(registered, kubeconfig: .inline("k")) }
        try await store.deleteCluster(clusters[1].id, at: 1000)

        let summaries = try await store.clusterSummaries()
        #expect(summaries.count == 599)
        #expect(
            summaries.prefix(2) == [
                ClusterSummary(id: clusters[0].id, name: "c0", labels: ["even"]), ClusterSummary(id: clusters[2].id, name: "c2", labels: ["even"]),
            ]
        )

        let asked = [clusters[599].id, clusters[1].id, "unknown"] + clusters[2..<560].map(\.id) + [clusters[0].id]
        let found = try await store.clusters(ids: asked)
        #expect(found.map(\.id) == [clusters[599].id] + clusters[2..<560].map(\.id) + [clusters[0].id], "the deleted and the unknown left out")
        #expect(found.first == clusters[599])
    }

    @Test("utility changes made at the same time to one cluster are all kept", arguments: backends)
    func concurrentUtilityChanges(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try await store.updateUtilities(ofCluster: registered.id) { $0.actualVersions["s\(index)"] = UtilityVersion(chart: "1") }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.cluster(registered.id)?.utilities.actualVersions.count == 20)
    }

    // MARK: Deployments

    @Test("only the oldest requested deployment per cluster and service is dispatchable, and none while one is active", arguments: backends)
    func dispatchOrder(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let first = deployment(registered, "prometheus", at: 1)
        let second = deployment(registered, "prometheus", at: 2)
        let other = deployment(registered, "nginx", at: 3)
        try await store.createDeployments([second, first, other], desiredVersions: nil)

        #expect(try await store.dispatchableDeployments(now: 10).map(\.id) == [first.id, other.id])
        try await store.updateDeployment(first.id) { $0.state = .running }
        #expect(try await store.dispatchableDeployments(now: 10).map(\.id) == [other.id])
        #expect(try await store.activeDeployments().map(\.id) == [first.id])
    }

    @Test("a deployment backing off is not dispatchable before its time, and holds up later ones", arguments: backends)
    func backoffIsRespected(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        var waiting = deployment(registered, "nginx", at: 1)
        waiting.nextAttemptAt = 100
        try await store.createDeployments([waiting, deployment(registered, "nginx", at: 2)], desiredVersions: nil)

        #expect(try await store.dispatchableDeployments(now: 50).isEmpty)
        #expect(try await store.dispatchableDeployments(now: 100).map(\.id) == [waiting.id])
    }

    @Test("concurrent updates of one deployment are never lost", arguments: backends)
    func concurrentUpdates(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let target = deployment(registered, "nginx", at: 1)
        try await store.createDeployments([target], desiredVersions: nil)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask { try await store.updateDeployment(target.id) { $0.attempts += 1 } }
            }
            try await group.waitForAll()
        }
        #expect(try await store.deployment(target.id)?.attempts == 50)
    }

    @Test("updates from two servers sharing the database are never lost", arguments: backends)
    func twoServersUpdate(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let (one, two) = (try await database.open(), try await database.open())
        let registered = cluster()
        try await one.createCluster(registered, kubeconfig: .inline("k"))
        let target = deployment(registered, "nginx", at: 1)
        try await one.createDeployments([target], desiredVersions: nil)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                let store = index.isMultiple(of: 2) ? one : two
                group.addTask { try await store.updateDeployment(target.id) { $0.attempts += 1 } }
            }
            try await group.waitForAll()
        }
        #expect(try await two.deployment(target.id)?.attempts == 40)
    }

    @Test("deployments created at the same time for one cluster all record their desired versions", arguments: backends)
    func concurrentCreates(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let services = (0..<12).map { ServiceName("service-\($0)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, service) in services.enumerated() {
                let created = deployment(registered, service, at: Int64(index))
                group.addTask {
                    try await store.createDeployments([created], desiredVersions: (registered.id, [service.rawValue: UtilityVersion(chart: "2.0.0")]))
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.cluster(registered.id)?.utilities.desiredVersions.count == services.count)
        #expect(try await store.deployments(DeploymentFilter(), page: 0, perPage: 100).count == services.count)
    }

    @Test("a failed transaction writes nothing", arguments: backends)
    func atomicCreate(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let one = deployment(registered, "nginx", at: 1)

        await #expect(throws: (any Error).self) {
            try await store.createDeployments([one, one], desiredVersions: (registered.id, ["nginx": UtilityVersion(chart: "4.15.1")]))
        }
        #expect(try await store.deployments(DeploymentFilter(), page: 0, perPage: 10).isEmpty)
        #expect(try await store.cluster(registered.id)?.utilities.desiredVersions.isEmpty == true)
    }

    @Test("changing a deployment or cluster that does not exist is refused as not found", arguments: backends)
    func missingIsNotFound(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        await #expect(throws: StoreError.notFound("deployment nope")) { try await store.updateDeployment("nope") { _ in } }
        await #expect(throws: StoreError.notFound("cluster nope")) { try await store.deleteCluster("nope", at: 1) }
        await #expect(throws: StoreError.notFound("cluster nope")) { try await store.updateUtilities(ofCluster: "nope") { _ in } }
    }

    @Test("listing filters by cluster, service and state, and pages", arguments: backends)
    func filtersAndPages(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        let a = cluster("a")
        let b = cluster("b")
        try await store.createCluster(a, kubeconfig: .inline("k"))
        try await store.createCluster(b, kubeconfig: .inline("k"))
        try await store.createDeployments(
            [deployment(a, "nginx", at: 1), deployment(a, "prometheus", at: 2, state: .failed), deployment(b, "nginx", at: 3)],
            desiredVersions: nil
        )

        #expect(try await store.deployments(DeploymentFilter(cluster: a.id), page: 0, perPage: 10).count == 2)
        #expect(try await store.deployments(DeploymentFilter(service: "nginx"), page: 0, perPage: 10).count == 2)
        #expect(try await store.deployments(DeploymentFilter(cluster: a.id, service: "nginx"), page: 0, perPage: 10).count == 1)
        #expect(try await store.deployments(DeploymentFilter(state: .failed), page: 0, perPage: 10).count == 1)
        #expect(try await store.deployments(DeploymentFilter(), page: 1, perPage: 2).count == 1)
    }

    @Test("listing changes leaves plans and checks out; an action filter finds them", arguments: backends)
    func filtersByAction(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let actions: [DeploymentAction] = [.apply, .plan, .check, .verify, .delete]
        try await store.createDeployments(
            actions.enumerated().map { index, action in
                var made = deployment(registered, "nginx", at: Int64(index + 1), state: .succeeded)
                made.action = action
                return made
            },
            desiredVersions: nil
        )
        func listed(_ filter: DeploymentFilter.Actions) async throws -> [DeploymentAction] {
            try await store.deployments(DeploymentFilter(actions: filter), page: 0, perPage: 10).map(\.action)
        }
        #expect(try await listed(.changes) == [.apply, .verify, .delete])
        #expect(try await listed(.only([.plan, .check])) == [.plan, .check])
        #expect(try await listed(.all) == actions)
    }
}
