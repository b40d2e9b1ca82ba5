import FleetAPI
import Foundation
import HTTPTypes
import Logging
import ServerSupport
import TestSupport

@testable import cloud

/// The cloud server's routes in-process, on a fresh SQLite store, with no provisioner and the
/// supervisor not running: what the API answers and writes, nothing more.
struct InProcessCloud {
    let store: SQLStore
    let supervisor: Supervisor
    let router: InProcessRouter<CloudRequestContext>

    /// - Parameters:
    ///   - kubeconfigPolicy, webhookTargets: the testbed's by default, which reach loopback.
    init(
        apiTokens: APITokens? = nil,
        authThrottle: AuthThrottle = AuthThrottle(),
        clock: any WallClock = SystemClock(),
        kubeconfigPolicy: KubeconfigPolicy = .testbed,
        webhookTargets: AddressPolicy = .testbedWebhooks
    ) async throws {
        store = try await SQLStore(sqlite: "\(try Testbed.makeScratchDirectory())/cloud.db", clock: clock)
        let pool = ProvisionerPool(urls: [], clock: clock)
        supervisor = Supervisor(
            store: store,
            pool: pool,
            configuration: .init(kubeconfigPolicy: kubeconfigPolicy),
            clock: clock,
            logger: Logger(label: "test")
        )
        router = try InProcessRouter(
            CloudServer.router(
                fleet: Fleet(supervisor: supervisor),
                apiTokens: apiTokens.map(LiveTokens.init),
                kubeconfigPolicy: kubeconfigPolicy,
                webhookTargets: webhookTargets,
                authThrottle: authThrottle
            )
        )
    }
}

extension InProcessCloud {
    /// Registers a cluster through the API as `token`'s holder (an admin's, of `RoleTokens`).
    @discardableResult
    func register(_ name: String, labels: [String] = [], token: String = RoleTokens.admin) async throws -> Cluster {
        let body: JSONValue = [
            "Name": .string(name), "Kubeconfig": .string(KubeconfigSamples.make()), "Labels": .array(labels.map(JSONValue.string)),
        ]
        let reply = try await router.post("/api/clusters", json: body, token: token)
        guard reply.status == 200 else { throw RegistrationRefused(reply: reply.text) }
        return try reply.decode(Cluster.self)
    }

    struct RegistrationRefused: Error {
        var reply: String
    }
}

extension InProcessRouter where Context == CloudRequestContext {
    /// Posts the dashboard's sign-in form with `token`, as a browser does.
    func signIn(_ token: String) async throws -> ServerProcess.Reply {
        try await request(.post, "/login", body: Data("token=\(token)".utf8), headers: [.contentType: "application/x-www-form-urlencoded"])
    }
}
