import Foundation
import TestSupport
import Testing

@testable import cloud

/// A rollout kept as rows (its clusters and history apart from its document), on both databases.
extension StoreTests {
    @Test("a rollout one server advanced is read whole by another that never saw it", arguments: backends)
    func advancedRolloutReadElsewhere(_ backend: StoreBackend) async throws {
        let (first, second, created) = try await twoServersWithRollout(backend, over: ["a", "b"])
        let lifecycle = rolloutLifecycle

        let advanced = try await first.updateRollout(created.id, gatheringFacts: true, audit: nil) { rollout, facts in
            try lifecycle.apply(.advance(facts), to: &rollout).writes
        }

        #expect(advanced.clusters.map(\.state) == [.running, .waiting])
        #expect(advanced.history.count > created.history.count)
        #expect(try await second.rollout(created.id) == advanced)
        #expect(try await second.rollouts(state: nil, page: 0, perPage: 10) == [advanced])
    }

    @Test("a failed deployment's error is the reason its cluster failed in the rollout", arguments: backends)
    func failedDeploymentReason(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let created = try rollout(over: [registered])
        try await store.createRollout(created, audit: nil)
        let lifecycle = rolloutLifecycle
        let started = try await store.updateRollout(created.id, gatheringFacts: true, audit: nil) { rollout, facts in
            try lifecycle.apply(.advance(facts), to: &rollout).writes
        }
        try await store.updateDeployment(try #require(started.clusters[0].deploymentID)) {
            $0.state = .failed
            $0.error = "helm upgrade: context deadline exceeded"
        }

        let ended = try await store.updateRollout(created.id, gatheringFacts: true, audit: nil) { rollout, facts in
            try lifecycle.apply(.advance(facts), to: &rollout).writes
        }

        #expect(ended.clusters[0].state == .failed)
        #expect(ended.clusters[0].reason == "helm upgrade: context deadline exceeded")
    }

    @Test("a rollout written as one document before schema 8 opens whole after the upgrade and advances", arguments: backends)
    func rolloutDocumentMovedIntoRows(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        try await database.createSchema(upTo: 7)
        let registered = cluster("a")
        let written = try rollout(over: [registered])
        try await database.sql(
            "INSERT INTO rollouts (id, service, state, body, create_at) VALUES ($1, $2, $3, $4, $5)",
            [
                .text(written.id), .text("nginx"), .text(written.state.rawValue), try StoreRecords(cipher: nil).json(written),
                .integer(written.createAt),
            ]
        )

        let store = try await database.open()
        #expect(try await store.rollout(written.id) == written)
        try await store.createCluster(registered, kubeconfig: .inline("k"))
        let lifecycle = rolloutLifecycle
        let advanced = try await store.updateRollout(written.id, gatheringFacts: true, audit: nil) { rollout, facts in
            try lifecycle.apply(.advance(facts), to: &rollout).writes
        }
        #expect(advanced.clusters[0].state == .running)
        #expect(try await database.open().rollout(written.id) == advanced)
    }
}
