import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// Leases, on both backends: how cloud servers sharing a database divide the work.
extension StoreTests {
    @Test("a free unfinished deployment goes to the first claimant; the other gets nothing while the lease holds", arguments: backends)
    func leaseIsExclusive(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let open = deployment(registered, "nginx", at: 1)
        let done = deployment(registered, "fluentbit", at: 2, state: .succeeded)
        try await store.createDeployments([open, done], desiredVersions: nil)

        #expect(try await store.claimLeases(owner: "a", now: 100, until: 200, renew: false) == [open.id])
        #expect(try await store.claimLeases(owner: "b", now: 150, until: 250, renew: true).isEmpty)
    }

    @Test("renewing keeps a lease; an expired one goes to another server", arguments: backends)
    func expiredLeaseMovesOn(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let open = deployment(registered, "nginx", at: 1, state: .running)
        try await store.createDeployments([open], desiredVersions: nil)
        _ = try await store.claimLeases(owner: "a", now: 100, until: 200, renew: false)

        #expect(try await store.claimLeases(owner: "a", now: 190, until: 290, renew: false).isEmpty, "only free ones without renew")
        #expect(try await store.claimLeases(owner: "a", now: 190, until: 290, renew: true) == [open.id])
        #expect(try await store.claimLeases(owner: "b", now: 250, until: 350, renew: false).isEmpty)
        #expect(try await store.claimLeases(owner: "b", now: 300, until: 400, renew: false) == [open.id])
    }

    @Test("released leases are free at once", arguments: backends)
    func releasedLeasesAreFree(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let open = deployment(registered, "nginx", at: 1)
        try await store.createDeployments([open], desiredVersions: nil)
        _ = try await store.claimLeases(owner: "a", now: 100, until: 10_000, renew: false)

        try await store.releaseLeases(owner: "a")

        #expect(try await store.claimLeases(owner: "b", now: 101, until: 200, renew: false) == [open.id])
    }
}
