import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// The `drifted` column (migration 7): the fleet's drifted clusters by an index.
extension StoreTests {
    @Test("drifted clusters are found by their count of drifted utilities, kept with each change and filled in for older rows", arguments: backends)
    func driftedClusters(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let store = try await database.open()
        let (drifting, steady) = (cluster("drifting"), cluster("steady"))
        for registered in [drifting, steady] { try await store.createCluster(registered, kubeconfig: .inline("k")) }
        try await store.updateUtilities(ofCluster: drifting.id) {
            $0.drift = [
                "nginx": DriftStatus(state: .drifted, reasons: ["changed"], checkedAt: 1),
                "prometheus": DriftStatus(state: .inSync, reasons: [], checkedAt: 1),
            ]
        }
        #expect(try await store.driftedClusters().map(\.id) == [drifting.id])
        #expect(try await store.fleetCounts(failedSince: 0).driftedUtilities == 1)
        #expect(try await database.sql("SELECT drifted FROM clusters WHERE id = $1", [.text(drifting.id)]) == [[.integer(1)]])

        try await database.sql("UPDATE clusters SET drifted = 0")
        #expect(try await database.open().driftedClusters().map(\.id) == [drifting.id], "a store opening an older database counts them")

        try await store.updateUtilities(ofCluster: drifting.id) { $0.drift?["nginx"] = DriftStatus(state: .inSync, reasons: [], checkedAt: 2) }
        #expect(try await store.driftedClusters().isEmpty)
    }

    @Test("what a drift pass reads per cluster: its busy utilities, and the last apply of several utilities at once", arguments: backends)
    func busyAndLastApplied(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let applied = deployment(registered, "nginx", at: 1, state: .succeeded)
        let running = deployment(registered, "prometheus", at: 2, state: .running)
        let done = deployment(registered, "fluentbit", at: 3, state: .succeeded)
        try await store.createDeployments([applied, running, done], desiredVersions: nil)

        #expect(try await store.busyUtilities(cluster: registered.id) == ["prometheus"])
        #expect(try await store.utilityBusy(cluster: registered.id, service: "prometheus"))
        #expect(try await store.busyUtilities(cluster: "other").isEmpty)
        let last = try await store.lastApplied(cluster: registered.id, services: ["nginx", "prometheus", "fluentbit"])
        #expect(last.mapValues(\.id) == ["nginx": applied.id, "fluentbit": done.id], "a running apply is no last apply")
    }
}
