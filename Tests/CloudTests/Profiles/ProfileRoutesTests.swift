import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The profile API in-process: applying documents as revisions, reading them back, the refusals.
@Suite("Profile API")
struct ProfileRoutesTests {
    let cloud: InProcessCloud

    init() async throws {
        cloud = try await InProcessCloud(apiTokens: RoleTokens.all)
        for (name, labels) in [("a", ["env=prod"]), ("b", ["env=prod", "loglevel=debug"]), ("c", ["env=dev"])] {
            try await cloud.register(name, labels: labels)
        }
    }

    func apply(_ name: String, _ document: String, token: String = RoleTokens.operatorToken) async throws -> ServerProcess.Reply {
        try await cloud.router.request(.put, "/api/profile/\(name)", body: Data(document.utf8), token: token)
    }

    @Test("a document is kept as revisions: the first, an unchanged one again, then a change")
    func revisions() async throws {
        let first = try await apply("prod-logging", ProfileDocumentTests.example)
        #expect(first.status == 200, "\(first.text)")
        #expect(try first.decode(ProfileRoutes.Summary.self).revision == 1)
        #expect(try first.decode(ProfileRoutes.Summary.self).clusters == 2)
        #expect(try await apply("prod-logging", ProfileDocumentTests.example).decode(ProfileRoutes.Summary.self).revision == 1)
        let changed = ProfileDocumentTests.example.replacingOccurrences(of: "batchSize: 50%", with: "batchSize: 1")
        #expect(try await apply("prod-logging", changed).decode(ProfileRoutes.Summary.self).revision == 2)

        let detail = try await cloud.router.request(.get, "/api/profile/prod-logging", token: RoleTokens.viewer).decode(ProfileRoutes.Detail.self)
        #expect(detail.revision == 2 && detail.document == changed && detail.clusters.count == 2)
        #expect(detail.revisions.map(\.revision) == [2, 1] && detail.revisions.allSatisfy { $0.author == "op" && $0.document == nil })
        let listed = try await cloud.router.request(.get, "/api/profiles", token: RoleTokens.viewer).decode([ProfileRoutes.Summary].self)
        #expect(listed.map(\.name) == ["prod-logging"] && listed.map(\.clusters) == [2])
        let audited = try await cloud.store.auditEntries(AuditQuery()).filter { $0.path == "/api/profile/prod-logging" }
        #expect(audited.count == 3 && audited.allSatisfy { $0.actor == "op" })
    }

    @Test("a bad document is 400 naming the field and line; a name other than the path's too; nothing is kept")
    func refusedDocuments() async throws {
        let unknownField = try await apply("prod-logging", ProfileDocumentTests.example + "\nsurprise: 1\n")
        #expect(unknownField.status == 400 && unknownField.error?.field == "surprise", "\(unknownField.text)")
        #expect(unknownField.error?.error.contains("line 13") == true, "\(unknownField.text)")
        let otherName = try await apply("other", ProfileDocumentTests.example)
        #expect(otherName.status == 400 && otherName.error?.field == "name", "\(otherName.text)")
        #expect(try await cloud.store.profiles().isEmpty)
    }

    @Test("a profile setting a service another sets on the same clusters at the same priority is 409, naming them")
    func conflicts() async throws {
        #expect(try await apply("prod-logging", ProfileDocumentTests.example).status == 200)
        let rival = ProfileDocumentTests.example.replacingOccurrences(of: "name: prod-logging", with: "name: rival")
        let refused = try await apply("rival", rival)
        #expect(refused.status == 409, "\(refused.text)")
        #expect(refused.error?.error.contains("prod-logging") == true && refused.error?.error.contains("a, b") == true, "\(refused.text)")
        #expect(try await apply("rival", rival + "\npriority: 5\n").status == 200)
    }

    @Test("a viewer may read but not apply or delete; a deleted profile is gone from the list, its revisions kept")
    func rolesAndDeletion() async throws {
        #expect(try await apply("prod-logging", ProfileDocumentTests.example, token: RoleTokens.viewer).status == 403)
        #expect(try await apply("prod-logging", ProfileDocumentTests.example).status == 200)
        #expect(try await cloud.router.request(.delete, "/api/profile/prod-logging", token: RoleTokens.viewer).status == 403)
        #expect(try await cloud.router.request(.delete, "/api/profile/prod-logging", token: RoleTokens.operatorToken).status == 204)
        #expect(try await cloud.router.request(.get, "/api/profiles", token: RoleTokens.viewer).text == "[]")
        #expect(try await cloud.router.request(.get, "/api/profile/prod-logging", token: RoleTokens.viewer).status == 404)
        #expect(try await cloud.store.profileRevisions("prod-logging").map(\.revision) == [2, 1])
    }
}
