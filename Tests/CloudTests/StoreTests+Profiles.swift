import Testing

@testable import cloud

/// Profiles and their revisions, on both backends.
extension StoreTests {
    @Test("each changed document is the next revision, an unchanged one none, and a deletion a last revision", arguments: backends)
    func profileRevisions(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        #expect(try await store.saveProfile(name: "logs", document: "a", author: "op", commit: nil, at: 1, audit: nil).revision == 1)
        #expect(try await store.saveProfile(name: "logs", document: "a", author: "other", commit: nil, at: 2, audit: nil).revision == 1)
        #expect(try await store.saveProfile(name: "logs", document: "b", author: "op", commit: "c0ffee", at: 3, audit: nil).revision == 2)
        _ = try await store.saveProfile(name: "metrics", document: "m", author: nil, commit: nil, at: 4, audit: nil)
        #expect(try await store.profiles().map(\.name) == ["logs", "metrics"])
        #expect(try await store.profiles().first?.document == "b")

        try await store.deleteProfile(name: "logs", author: "op", commit: nil, at: 5, audit: nil)

        #expect(try await store.profiles().map(\.name) == ["metrics"])
        #expect(try await store.profileRevisions("logs").map(\.revision) == [3, 2, 1])
        #expect(try await store.profileRevisions("logs").map(\.document) == [nil, "b", "a"])
        #expect(try await store.profileRevisions("logs")[1].commit == "c0ffee")
        await #expect(throws: StoreError.notFound("profile logs")) {
            try await store.deleteProfile(name: "logs", author: nil, commit: nil, at: 6, audit: nil)
        }
        #expect(try await store.saveProfile(name: "logs", document: "a", author: "op", commit: nil, at: 7, audit: nil).revision == 4)
    }
}
