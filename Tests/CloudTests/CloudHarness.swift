import FleetAPI
import Foundation
import TestSupport

@testable import cloud

/// The end-to-end suites' stack (`LocalStack`: an emulated cluster, provisioners and a cloud
/// server on SQLite, all real processes on loopback), spoken to in the cloud server's terms.
final class CloudHarness: @unchecked Sendable {
    let stack: LocalStack
    /// In front of the provisioners when they play an older version.
    private var fronts: [OlderProvisioner] = []

    var scratch: String { stack.scratch }
    var emulator: KubeEmulator { stack.emulator }
    var provisioners: [ServerProcess] { stack.provisioners }
    var server: ServerProcess { stack.server }
    var database: String { stack.database }

    /// - Parameters:
    ///   - environment: extra environment for the provisioners (e.g. AWS settings).
    ///   - olderProvisioners: the provisioners answer as an older version (`OlderProvisioner`).
    init(
        readyAfter: Int = 0,
        provisioners count: Int = 2,
        environment: [String: String] = [:],
        provisionerArguments: [String] = [],
        serverArguments: [String] = [],
        olderProvisioners: Bool = false
    ) async throws {
        // The server starts once whatever goes in front of the provisioners is there.
        stack = try await LocalStack(
            .init(
                readyAfter: readyAfter,
                provisioners: count,
                provisionerArguments: provisionerArguments,
                provisionerEnvironment: environment,
                servers: 0,
                serverArguments: serverArguments
            )
        )
        if olderProvisioners {
            fronts = try await stack.provisioners.asyncMap { try await OlderProvisioner(inFrontOf: $0.baseURL) }
            stack.provisionerURLs = fronts.map(\.url)
        }
        try await stack.startServer()
    }

    /// Kills the cloud server with SIGKILL and starts it again on the same database.
    func restartServer() async throws {
        try await stack.killServer(0, restart: true)
    }

    /// Starts provisioner `index` again on its own port (after the test killed it): a restart in place.
    func restartProvisioner(_ index: Int) async throws {
        try await stack.restartProvisioner(index)
    }

    func close() {
        for front in fronts { front.stop() }
        stack.close()
    }

    // MARK: API

    /// Sent with this token as `Authorization: Bearer`, when the server requires one.
    var apiToken: String?

    func send(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> ServerProcess.Reply {
        try await stack.send(method, path, body, token: apiToken)
    }

    func registerCluster(_ name: String = "local") async throws -> Cluster {
        try await send("POST", "/api/clusters", ["Name": .string(name), "Kubeconfig": .string(emulator.kubeconfig)])
            .decode(Cluster.self)
    }

    func createDeployment(
        _ cluster: String,
        _ service: ServiceName,
        version: String? = nil,
        values: JSONValue? = nil,
        timeoutSeconds: Int? = nil
    ) async throws -> Deployment {
        var body: [String: JSONValue] = [
            "ClusterID": .string(cluster), "Service": .string(service.rawValue), "Action": "apply",
            "Chart": ["Version": .string(version ?? Testbed.defaultChartVersions[service]!)],
        ]
        body["Values"] = values
        body["TimeoutSeconds"] = timeoutSeconds.map { .number(Double($0)) }
        return try await send("POST", "/api/deployments", .object(body)).decode(Deployment.self)
    }

    func deployment(_ id: String) async throws -> Deployment {
        try await send("GET", "/api/deployment/\(id)").decode(Deployment.self)
    }

    func waitFor(_ id: String, timeout: Duration = .seconds(120), until done: (Deployment) -> Bool = { $0.state.isFinal }) async throws -> Deployment
    {
        var current: Deployment?
        let arrived = await eventually(timeout: timeout, every: .milliseconds(200)) {
            current = try? await deployment(id)
            return current.map(done) ?? false
        }
        guard arrived, let current else { throw ServerProcess.StartFailure(log: "deployment \(id) not done: \(String(describing: current))") }
        return current
    }

    // MARK: CLI

    /// Runs the real `cloud` binary against this harness's server.
    func cli(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandRun {
        try await CommandRun.run(ServerProcess.binary("cloud"), arguments + ["--server", server.baseURL], environment: environment)
    }
}
