import FleetAPI
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServerSupport
import Synchronization
import TestSupport
import Testing

@testable import cloud

/// Roles per token and the audit log, through the cloud server's own router, in-process.
@Suite("Access: roles and audit")
struct AccessTests {
    static let viewer = "viewer-token-0123456789", operatorToken = "operator-token-0123456789", admin = "admin-token-0123456789"
    static let kubeconfig = KubeconfigSamples.make()

    let database: String
    let store: SQLStore
    let router: InProcessRouter<CloudRequestContext>

    init() async throws { try await self.init(open: false) }

    /// A server with a viewer `ci-viewer`, an operator `deployer` and an admin `root`; or open, without tokens.
    init(open: Bool) async throws {
        database = "\(try Testbed.makeScratchDirectory())/cloud.db"
        store = try await SQLStore(sqlite: database)
        let pool = ProvisionerPool(urls: [])
        let supervisor = Supervisor(store: store, pool: pool, configuration: .init(), logger: Logger(label: "test"))
        let tokens = APITokens([
            .init(token: Self.viewer, role: .viewer, name: "ci-viewer"), .init(token: Self.operatorToken, role: .operator, name: "deployer"),
            .init(token: Self.admin, role: .admin, name: "root"),
        ])
        router = try InProcessRouter(CloudServer.router(fleet: Fleet(supervisor: supervisor), apiTokens: open ? nil : LiveTokens(tokens)))
    }

    func send(_ method: HTTPRequest.Method, _ path: String, token: String?, body: String? = nil) async throws -> ServerProcess.Reply {
        try await router.request(method, path, body: body.map { Data($0.utf8) }, token: token)
    }

    func register(_ name: String = "c1", token: String = Self.admin) async throws -> ServerProcess.Reply {
        let body = try WireJSON.encoder().encode(["Name": name, "Kubeconfig": Self.kubeconfig])
        return try await send(.post, "/api/clusters", token: token, body: String(decoding: body, as: UTF8.self))
    }

    func createDeployment(_ cluster: String, token: String) async throws -> ServerProcess.Reply {
        try await send(.post, "/api/deployments", token: token, body: #"{"ClusterID": "\#(cluster)", "Service": "nginx", "Action": "apply"}"#)
    }

    func audit() async throws -> [AuditEntry] { try await store.auditEntries(AuditQuery(limit: 1000)) }

    // MARK: Roles

    @Test("a viewer reads, and a change is refused with a 403 naming the operator role")
    func viewerReadsOnly() async throws {
        #expect(try await send(.get, "/api/clusters", token: Self.viewer).status == 200)
        #expect(try await send(.get, "/api/deployments", token: Self.viewer).status == 200)
        let refused = try await createDeployment("c", token: Self.viewer)
        #expect(refused.status == 403)
        #expect(refused.error?.error == "this needs the operator role; token ci-viewer has viewer")
    }

    @Test("an operator deploys, cancels and provisions, but cannot register or delete a cluster or read the audit log")
    func operatorDeploys() async throws {
        let cluster = try await register().decode(Cluster.self)
        let created = try await createDeployment(cluster.id, token: Self.operatorToken)
        #expect(created.status == 202)
        let deployment = try created.decode(Deployment.self)
        #expect(try await send(.delete, "/api/deployment/\(deployment.id)", token: Self.operatorToken).status == 200)
        let provisioned = try await send(.post, "/api/cluster/\(cluster.id)/provision", token: Self.operatorToken, body: #"{"utility-versions": {}}"#)
        #expect(provisioned.status == 202)

        let registering = try await register("c2", token: Self.operatorToken)
        #expect(registering.status == 403)
        #expect(registering.error?.error == "this needs the admin role; token deployer has operator")
        #expect(try await send(.delete, "/api/cluster/\(cluster.id)", token: Self.operatorToken).status == 403)
        #expect(try await send(.get, "/api/audit", token: Self.operatorToken).status == 403)
    }

    @Test("webhooks are an admin's: an operator can neither add nor list them; a viewer follows the event stream")
    func webhooksNeedAdmin() async throws {
        let body = #"{"URL": "https://chat.example.com/hooks/abc"}"#
        #expect(try await send(.post, "/api/webhooks", token: Self.operatorToken, body: body).status == 403)
        #expect(try await send(.get, "/api/webhooks", token: Self.operatorToken).status == 403)
        #expect(try await send(.post, "/api/webhooks", token: Self.admin, body: body).status == 201)
        #expect(try await send(.get, "/api/webhooks", token: Self.admin).status == 200)
        #expect(try await send(.get, "/api/events", token: Self.viewer).status == 200)
    }

    @Test("an admin registers and deletes clusters and reads the audit log")
    func adminDoesEverything() async throws {
        let cluster = try await register().decode(Cluster.self)
        #expect(try await createDeployment(cluster.id, token: Self.admin).status == 202)
        #expect(try await send(.get, "/api/audit", token: Self.admin).status == 200)
        let other = try await register("c2").decode(Cluster.self)
        #expect(try await send(.delete, "/api/cluster/\(other.id)", token: Self.admin).status == 204)
    }

    @Test("a change not named for a lesser role needs an admin, including routes added later")
    func unlistedChangesNeedAdmin() {
        #expect(AccessPolicy.requiredRole(.post, path: "/api/clusters") == .admin)
        #expect(AccessPolicy.requiredRole(.put, path: "/api/cluster/x/anything-new") == .admin)
        #expect(AccessPolicy.requiredRole(.patch, path: "/api/deployment/x") == .admin)
        #expect(AccessPolicy.requiredRole(.post, path: "/api/cluster/x/provision") == .operator)
        #expect(AccessPolicy.requiredRole(.get, path: "/api/audit") == .admin)
        #expect(AccessPolicy.requiredRole(.head, path: "/api/clusters") == .viewer)
    }

    // MARK: Audit

    @Test("401s and 403s are audited with the token's name, never the token")
    func refusalsAudited() async throws {
        #expect(try await send(.get, "/api/clusters", token: "wrong-token-0123456789").status == 401)
        #expect(try await send(.get, "/api/clusters", token: nil).status == 401)
        #expect(try await createDeployment("c", token: Self.viewer).status == 403)

        let entries = try await audit()
        #expect(entries.map(\.status) == [403, 401, 401])
        #expect(entries[0].actor == "ci-viewer" && entries[0].role == .viewer)
        #expect(entries[0].method == "POST" && entries[0].path == "/api/deployments")
        #expect(entries[1].actor == nil && entries[1].role == nil && entries[1].method == "GET")
        let raw = "\(try SQLiteConnection(path: database).query("SELECT * FROM audit"))"
        #expect(!raw.contains("token-0123456789"))
    }

    @Test("reads that succeed are not audited")
    func readsNotAudited() async throws {
        #expect(try await send(.get, "/api/clusters", token: Self.viewer).status == 200)
        #expect(try await audit().isEmpty)
    }

    @Test("a successful register, create and cancel each write one entry naming their targets")
    func changesAudited() async throws {
        let cluster = try await register().decode(Cluster.self)
        let deployment = try await createDeployment(cluster.id, token: Self.operatorToken).decode(Deployment.self)
        #expect(try await send(.delete, "/api/deployment/\(deployment.id)", token: Self.operatorToken).status == 200)

        let entries = try await audit()
        #expect(entries.map(\.status) == [200, 202, 200])
        #expect(entries.map(\.actor) == ["deployer", "deployer", "root"])
        #expect(entries[2].targets == [cluster.id] && entries[2].path == "/api/clusters")
        #expect(entries[1].targets == [deployment.id, cluster.id])
        #expect(entries[0].targets == [deployment.id] && entries[0].method == "DELETE")
    }

    @Test("a change the store refuses is audited once, with its status and target")
    func failedChangeAuditedOnce() async throws {
        let cluster = try await register().decode(Cluster.self)
        #expect(try await register().status == 409)
        #expect(try await send(.delete, "/api/deployment/nope", token: Self.operatorToken).status == 404)
        #expect(try await createDeployment("missing", token: Self.operatorToken).status == 400)

        let entries = try await audit()
        #expect(entries.map(\.status) == [400, 404, 409, 200])
        #expect(entries[1].targets == ["nope"])
        #expect(entries[2].targets.isEmpty && entries[3].targets == [cluster.id])
        #expect(try await store.clusters(label: nil, page: 0, perPage: 10).count == 1)
    }

    @Test("without tokens every caller is an anonymous admin, and changes are still audited")
    func openServerAudits() async throws {
        let open = try await AccessTests(open: true)
        #expect(try await open.register().status == 200)
        #expect(try await open.send(.get, "/api/audit", token: nil).status == 200)
        #expect(try await open.audit().map(\.actor) == ["anonymous"])
    }

    @Test("the audit listing filters by actor and time, pages with before and limit, newest first")
    func auditListing() async throws {
        let cluster = try await register().decode(Cluster.self)
        for _ in 0..<3 { _ = try await createDeployment(cluster.id, token: Self.operatorToken) }
        let all = try await send(.get, "/api/audit", token: Self.admin).decode([AuditEntry].self)
        #expect(all.count == 4 && all.map(\.id) == all.map(\.id).sorted(by: >))

        let deployer = try await send(.get, "/api/audit?actor=deployer&limit=2", token: Self.admin).decode([AuditEntry].self)
        #expect(deployer.map(\.id) == Array(all.prefix(2).map(\.id)))
        let next = try await send(.get, "/api/audit?actor=deployer&limit=2&before=\(deployer[1].id)", token: Self.admin).decode([AuditEntry].self)
        #expect(next.map(\.id) == [all[2].id])
        let future = try await send(.get, "/api/audit?since=\(all[0].time + 60_000)", token: Self.admin).decode([AuditEntry].self)
        #expect(future.isEmpty)
        #expect(try await send(.get, "/api/audit?since=\(all[3].time)", token: Self.admin).decode([AuditEntry].self).count == 4)
    }

    @Test(
        "bad audit query values are 400s naming the field",
        arguments: [
            ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"), ("since=yesterday", "since"), ("since=-1", "since"),
            ("before=0", "before"),
        ]
    )
    func badAuditQueries(_ query: String, _ field: String) async throws {
        let reply = try await send(.get, "/api/audit?\(query)", token: Self.admin)
        #expect(reply.status == 400)
        #expect((try? WireJSON.decoder().decode(APIError.Body.self, from: reply.body))?.field == field)
    }
}
