import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// Dashboard sessions end when they are signed out or revoked, at once and on every server that
/// shares the database, not when their cookie expires.
@Suite("Sessions that end")
struct SessionEndTests {
    static let tokens = DashboardTests.tokens

    let cloud: InProcessCloud
    /// A second server on the same database.
    let other: InProcessRouter<CloudRequestContext>

    init() async throws {
        cloud = try await InProcessCloud(apiTokens: Self.tokens)
        other = try InProcessRouter(CloudServer.router(fleet: Fleet(supervisor: cloud.supervisor), apiTokens: LiveTokens(Self.tokens)))
    }

    /// Signs in through the form; the `Cookie` header that carries the session.
    func signIn(_ token: String) async throws -> HTTPFields {
        let reply = try await cloud.router.signIn(token)
        let cookie = try #require(reply.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        return [.cookie: cookie]
    }

    func reads(_ router: InProcessRouter<CloudRequestContext>, with cookie: HTTPFields) async throws -> Bool {
        try await router.request(.get, "/api/clusters", headers: cookie).status == 200
    }

    @Test("signing out ends the session on every server: its cookie no longer reads the API or the pages")
    func signOutEnds() async throws {
        let cookie = try await signIn(DashboardTests.viewer)
        #expect(try await reads(cloud.router, with: cookie))
        #expect(try await reads(other, with: cookie))

        let out = try await cloud.router.request(.post, "/logout", headers: cookie)
        #expect(out.status == 303 && out.headers["set-cookie"]?.contains("Max-Age=0") == true)

        #expect(try await !reads(cloud.router, with: cookie))
        #expect(try await !reads(other, with: cookie), "the other server sees the sign-out")
        let page = try await other.request(.get, "/", headers: cookie)
        #expect(page.status == 303 && page.headers["location"] == "/login")
        let again = try await signIn(DashboardTests.viewer)
        #expect(try await reads(cloud.router, with: again), "signing in again works")
    }

    @Test("an admin revokes a holder's sessions: those issued until then end, the revocation is audited")
    func revokeEnds() async throws {
        let watcher = try await signIn(DashboardTests.viewer)
        let admin = try await signIn(DashboardTests.admin)

        let revoked = try await other.post("/api/sessions/revoke", json: ["Name": "watcher"], token: DashboardTests.admin)
        #expect(revoked.status == 200, "\(revoked.text)")

        #expect(try await !reads(cloud.router, with: watcher))
        #expect(try await reads(cloud.router, with: admin), "other holders' sessions go on")
        let audited = try await cloud.store.auditEntries(AuditQuery()).filter { $0.path == "/api/sessions/revoke" }
        #expect(audited.map(\.targets) == [["watcher"]] && audited.map(\.actor) == ["root"])
    }

    @Test("only an admin revokes, and a name is required")
    func revokeRefusals() async throws {
        let viewer = try await other.post("/api/sessions/revoke", json: ["Name": "root"], token: DashboardTests.viewer)
        #expect(viewer.status == 403)
        let empty = try await other.post("/api/sessions/revoke", json: ["Name": ""], token: DashboardTests.admin)
        #expect(empty.status == 400 && empty.error?.field == "Name")
        // 40 letters each with a combining mark: 40 characters to Swift, 80 code points to JSON Schema.
        let marked = String(repeating: "e\u{301}", count: 40)
        let long = try await other.post("/api/sessions/revoke", json: ["Name": marked], token: DashboardTests.admin)
        #expect(long.status == 400 && long.error?.field == "Name", "counted as the schema's maxLength counts")
    }
}
