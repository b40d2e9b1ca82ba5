import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The dashboard's pages and sessions through the cloud server's router, in-process: what a page
/// shows and never shows, who gets in, and what a session cookie may do. The browser itself is
/// in `DashboardBrowserTests`.
@Suite("Dashboard")
struct DashboardTests {
    static let admin = "admin-token-0123456789", viewer = "viewer-token-0123456789"
    static let tokens = APITokens([.init(token: admin, role: .admin, name: "root"), .init(token: viewer, role: .viewer, name: "watcher")])

    let store: SQLStore
    let router: InProcessRouter<CloudRequestContext>

    init() async throws {
        let cloud = try await InProcessCloud(apiTokens: Self.tokens)
        (store, router) = (cloud.store, cloud.router)
    }

    func register(_ name: String, labels: [String] = [], kubeconfig: String = KubeconfigSamples.make()) async throws -> Cluster {
        let body = try WireJSON.encoder().encode([
            "Name": JSONValue.string(name), "Kubeconfig": .string(kubeconfig), "Labels": .array(labels.map(JSONValue.string)),
        ])
        return try await router.request(.post, "/api/clusters", body: body, token: Self.admin).decode(Cluster.self)
    }

    func page(_ path: String, token: String? = admin, cookie: String? = nil) async throws -> ServerProcess.Reply {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = "cloud_session=\(cookie)" }
        return try await router.request(.get, path, token: token, headers: headers)
    }

    /// Signs in through the form; the cookie's value.
    func signIn(_ token: String) async throws -> String {
        let reply = try await router.signIn(token)
        #expect(reply.status == 303 && reply.headers["location"] == "/")
        let cookie = try #require(reply.headers["set-cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
        #expect(!cookie.contains(token), "the cookie never holds the token")
        return String(cookie.dropFirst("cloud_session=".count).prefix { $0 != ";" })
    }

    @Test("a page escapes what it shows and never shows a kubeconfig")
    func escapesAndHidesSecrets() async throws {
        let kubeconfig = KubeconfigSamples.make()
        let cluster = try await register("edge", labels: ["note=<script>alert(1)</script>"], kubeconfig: kubeconfig)
        for path in ["/", "/ui/cluster/\(cluster.id)"] {
            let reply = try await page(path)
            #expect(reply.status == 200 && reply.headers["content-type"] == "text/html; charset=utf-8")
            #expect(reply.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !reply.text.contains("<script>alert"), "\(path)")
            #expect(!reply.text.contains("certificate-authority-data") && !reply.text.contains("client-key"), "\(path)")
            #expect(reply.headers["content-security-policy"]?.contains("default-src 'self'") == true)
        }
    }

    @Test("without a session a page sends the browser to /login; a bearer token or a session gets in")
    func signInNeeded() async throws {
        let refused = try await page("/", token: nil)
        #expect(refused.status == 303 && refused.headers["location"] == "/login")
        #expect(try await page("/login", token: nil).status == 200)
        #expect(try await page("/ui/static/app.js", token: nil).status == 200)
        let cookie = try await signIn(Self.viewer)
        #expect(try await page("/", token: nil, cookie: cookie).status == 200)
        let wrong = try await router.request(.post, "/login", body: Data("token=nope".utf8))
        #expect(wrong.status == 401 && wrong.text.contains("not valid") && wrong.headers["set-cookie"] == nil)
    }

    @Test("a tampered cookie, an expired one, or one whose token left the file is no session")
    func cookiesChecked() async throws {
        let sessions = SessionCookie(tokens: LiveTokens(Self.tokens), secure: true)
        let holder = TokenHolder(role: .viewer, name: "watcher")
        let now = Date()
        let (value, session) = try sessions.issue(for: holder, now: now)
        #expect(sessions.session(fromCookieHeader: "a=b; cloud_session=\(value)", now: now) == session)
        #expect(sessions.header(value).contains("; Secure"))
        #expect(sessions.session(fromCookieHeader: "cloud_session=\(value)x", now: now) == nil)
        var forged = session
        forged.role = .admin
        let payload = try JSONEncoder().encode(forged).base64URLEncodedString()
        let signature = value.split(separator: ".")[1]
        #expect(sessions.session(fromCookieHeader: "cloud_session=\(payload).\(signature)", now: now) == nil)
        #expect(sessions.session(fromCookieHeader: "cloud_session=\(value)", now: now.addingTimeInterval(13 * 3600)) == nil)
        let rotated = SessionCookie(tokens: LiveTokens(APITokens([.init(token: Self.admin, role: .admin, name: "root")])), secure: true)
        #expect(rotated.session(fromCookieHeader: "cloud_session=\(value)", now: now) == nil)
    }

    @Test("a change through a session needs the page's CSRF token; with it the role decides")
    func csrfNeeded() async throws {
        let cookie = try await signIn(Self.admin)
        let page = try await page("/", token: nil, cookie: cookie)
        let csrf = try #require(page.text.firstMatch(of: /name="csrf-token" content="([^"]+)"/)?.1).description
        func delete(_ headers: HTTPFields) async throws -> ServerProcess.Reply {
            var headers = headers
            headers[.cookie] = "cloud_session=\(cookie)"
            return try await router.request(.delete, "/api/webhook/none", headers: headers)
        }
        let refused = try await delete([:])
        #expect(refused.status == 403 && refused.error?.error.contains("X-CSRF-Token") == true)
        #expect(try await delete([DashboardPaths.csrfHeader: "wrong"]).status == 403)
        #expect(try await delete([DashboardPaths.csrfHeader: csrf]).status == 404, "through to the route, which finds no such hook")
        #expect(try await store.auditEntries(AuditQuery()).first?.actor == "root")
    }

    @Test("an operator's rollout page has the buttons its state allows; a viewer's has none")
    func buttonsByRole() async throws {
        let cluster = try await register("edge")
        let body = try WireJSON.encoder().encode(["Service": JSONValue.string("prometheus"), "Chart": ["Version": "25.18.0"], "All": true])
        let rollout = try await router.request(.post, "/api/rollouts", body: body, token: Self.admin).decode(RolloutPrinter.View.self).rollout
        #expect(rollout.clusters.map(\.clusterID) == [cluster.id])
        let operatorPage = try await page("/ui/rollout/\(rollout.id)").text
        #expect(operatorPage.contains("/api/rollout/\(rollout.id)/pause") && operatorPage.contains("/api/rollout/\(rollout.id)/cancel"))
        #expect(!operatorPage.contains("/resume"), "a running rollout has nothing to resume")
        for path in ["/ui/rollout/\(rollout.id)", "/ui/rollouts"] {
            #expect(!(try await page(path, token: Self.viewer).text.contains("data-post")), "\(path)")
        }
    }

    @Test("the grid shows 100 clusters a page, filtered by name and label")
    func gridPages() async throws {
        for index in 0..<120 { _ = try await register("c\(index)", labels: index < 5 ? ["env=prod"] : []) }
        let first = try await page("/").text
        #expect(first.matches(of: /<tr data-cluster=/).count == 100 && first.contains("clusters 1–100 of 120") && first.contains("page=1"))
        let second = try await page("/?page=1").text
        #expect(second.matches(of: /<tr data-cluster=/).count == 20 && second.contains("page=0"))
        #expect(try await page("/?label=env%3Dprod").text.matches(of: /<tr data-cluster=/).count == 5)
        #expect(try await page("/?q=c11").text.matches(of: /<tr data-cluster=/).count == 11, "c11 and c110...c119")
    }

    @Test("an unknown cluster, deployment or rollout is a 404 page")
    func unknownObjects() async throws {
        for path in ["/ui/cluster/none", "/ui/deployment/none", "/ui/rollout/none"] {
            let reply = try await page(path)
            #expect(reply.status == 404, "\(path)")
            #expect(reply.text.contains("Not found") && reply.text.contains("none"), "\(path) names what is missing")
        }
    }
}
