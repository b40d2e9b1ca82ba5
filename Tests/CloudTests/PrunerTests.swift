import Foundation
import Logging
import ServerSupport
import ServiceLifecycle
import TestSupport
import Testing

@testable import cloud

@Suite("Audit retention")
struct PrunerTests {
    func storeWithEntries(aged ages: [Int64], at clock: ManualClock) async throws -> SQLStore {
        let store = try await SQLStore(sqlite: "\(try Testbed.makeScratchDirectory())/cloud.db")
        for age in ages {
            try await store.recordAudit(
                AuditEntry(time: clock.millisecondsSince1970 - age * 1000, method: "POST", path: "/api/x", targets: [], status: 401)
            )
        }
        return store
    }

    @Test("entries older than the retention go; younger ones stay")
    func prunesOld() async throws {
        let clock = ManualClock()
        let store = try await storeWithEntries(aged: [7200, 600], at: clock)

        await Pruner(store: store, auditRetention: .seconds(3600), clock: clock, logger: Logger(label: "test")).prune()

        let left = try await store.auditEntries(AuditQuery())
        #expect(left.map(\.time) == [clock.millisecondsSince1970 - 600_000])
    }

    @Test("the pruner runs again each interval, as its clock moves")
    func prunesEachInterval() async throws {
        let clock = ManualClock()
        let store = try await storeWithEntries(aged: [3000], at: clock)
        let pruner = Pruner(store: store, auditRetention: .seconds(3600), interval: .seconds(3600), clock: clock, logger: Logger(label: "test"))
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await pruner.run() }
            await clock.waitForSleepers()
            #expect(try await store.auditEntries(AuditQuery()).count == 1, "younger than the retention at the first pass")
            clock.advance(by: .seconds(3600))
            let pruned = try await eventually { try await store.auditEntries(AuditQuery()).isEmpty }
            #expect(pruned, "older than the retention at the second pass")
            group.cancelAll()
        }
    }
}
