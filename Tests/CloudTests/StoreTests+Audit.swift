import FleetAPI
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The audit log, on both backends: entries written with the change they record, or on their own.
extension StoreTests {
    func entry(_ actor: String?, at time: Int64, status: Int = 200, targets: [String] = []) -> AuditEntry {
        AuditEntry(time: time, actor: actor, role: actor == nil ? nil : .operator, method: "POST", path: "/api/x", targets: targets, status: status)
    }

    @Test("entries written with changes and on their own read back newest first, with every field", arguments: backends)
    func auditReadsBack(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        let registered = cluster()
        try await store.createCluster(registered, kubeconfig: .inline("k"), audit: entry("root", at: 10, targets: [registered.id]))
        let created = deployment(registered, "nginx", at: 11)
        try await store.createDeployments([created], desiredVersions: nil, audit: entry("ci", at: 11, status: 202, targets: [created.id]))
        try await store.updateDeployment(created.id, audit: entry("ci", at: 12, targets: [created.id])) { $0.state = .cancelled }
        try await store.recordAudit(entry(nil, at: 13, status: 401))
        try await store.deleteCluster(registered.id, at: 14, audit: entry("root", at: 14, status: 204, targets: [registered.id]))

        let entries = try await store.auditEntries(AuditQuery())
        #expect(entries.map(\.time) == [14, 13, 12, 11, 10])
        #expect(entries.map(\.id) == entries.map(\.id).sorted(by: >))
        var first = entries[4]
        first.id = 0
        #expect(first == entry("root", at: 10, targets: [registered.id]))
        #expect(entries[1].actor == nil && entries[1].role == nil && entries[1].status == 401)
    }

    @Test("a change that fails writes no audit entry: the two commit or roll back together", arguments: backends)
    func auditRollsBackWithChange(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        await #expect(throws: StoreError.self) {
            try await store.createCluster(cluster(registered.name), kubeconfig: .inline("k"), audit: entry("root", at: 1))
        }
        let busy = deployment(registered, "nginx", at: 2)
        try await store.createDeployments([busy], desiredVersions: nil)
        await #expect(throws: StoreError.self) { try await store.deleteCluster(registered.id, at: 3, audit: entry("root", at: 3)) }
        await #expect(throws: APIError.self) {
            try await store.updateDeployment(busy.id, audit: entry("ci", at: 4)) { _ in throw APIError.conflict("no") }
        }
        #expect(try await store.auditEntries(AuditQuery()).isEmpty)
    }

    @Test("the audit listing filters by time and actor and pages by ID and limit", arguments: backends)
    func auditFilters(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        for (index, actor) in ["a", "b", "a", "b", "a"].enumerated() { try await store.recordAudit(entry(actor, at: Int64(index) * 10)) }

        #expect(try await store.auditEntries(AuditQuery(since: 20)).map(\.time) == [40, 30, 20])
        #expect(try await store.auditEntries(AuditQuery(actor: "a")).map(\.time) == [40, 20, 0])
        let page = try await store.auditEntries(AuditQuery(actor: "a", limit: 2))
        #expect(page.map(\.time) == [40, 20])
        #expect(try await store.auditEntries(AuditQuery(actor: "a", before: page[1].id, limit: 2)).map(\.time) == [0])
        #expect(try await store.auditEntries(AuditQuery(since: 10, actor: "b", limit: 1)).map(\.time) == [30])
    }

    @Test("pruning deletes the entries written before the cutoff and says how many", arguments: backends)
    func auditPrunes(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        for time in [10, 20, 30] as [Int64] { try await store.recordAudit(entry("root", at: time)) }

        #expect(try await store.pruneAudit(before: 20) == 1)
        #expect(try await store.auditEntries(AuditQuery()).map(\.time) == [30, 20])
        #expect(try await store.pruneAudit(before: 20) == 0)
    }
}
