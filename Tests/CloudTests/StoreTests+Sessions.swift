import Testing

@testable import cloud

/// Sessions that ended before they expired, on both backends.
extension StoreTests {
    @Test("a signed-out session is ended until it would have expired, then forgotten", arguments: backends)
    func signedOutSessions(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        try await store.endSession("s1", expires: 1_000)
        try await store.endSession("s2", expires: 3_000)
        try await store.endSession("s2", expires: 3_000)
        #expect(try await store.sessionEnded("s1", holder: "alice", issuedAt: 0))
        #expect(try await !store.sessionEnded("s3", holder: "alice", issuedAt: 0))

        #expect(try await store.pruneSessions(before: 2_000) == 1)
        #expect(try await !store.sessionEnded("s1", holder: "alice", issuedAt: 0))
        #expect(try await store.sessionEnded("s2", holder: "alice", issuedAt: 0))
    }

    @Test("a revocation ends its holder's sessions issued until then, not later ones nor others'", arguments: backends)
    func revokedSessions(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        try await store.revokeSessions(of: "alice", at: 100, audit: nil)
        try await store.revokeSessions(of: "alice", at: 200, audit: nil)
        #expect(try await store.sessionEnded("a", holder: "alice", issuedAt: 150))
        #expect(try await store.sessionEnded("b", holder: "alice", issuedAt: 200))
        #expect(try await !store.sessionEnded("c", holder: "alice", issuedAt: 201))
        #expect(try await !store.sessionEnded("d", holder: "bob", issuedAt: 0))
    }
}
