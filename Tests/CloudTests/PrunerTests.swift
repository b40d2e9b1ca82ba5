import Foundation
import Internal
import Logging
import TestSupport
import Testing

@testable import cloud

@Suite("Audit retention")
struct PrunerTests {
    @Test("entries older than the retention go; younger ones stay")
    func prunesOld() async throws {
        let store = try await SQLStore(sqlite: "\(try Testbed.makeScratchDirectory())/cloud.db")
        let now = Date()
        for age in [7200, 600] as [Int64] {
            try await store.recordAudit(
                AuditEntry(
                    time: now.millisecondsSince1970 - age * 1000,
                    method: "POST",
                    path: "/api/x",
                    targets: [],
                    status: 401
                )
            )
        }

        await Pruner(store: store, auditRetention: .seconds(3600), logger: Logger(label: "test")).prune(now: now)

        let left = try await store.auditEntries(AuditQuery())
        #expect(left.map(\.time) == [now.millisecondsSince1970 - 600_000])
    }
}
