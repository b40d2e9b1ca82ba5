import Foundation
import Internal
import TestSupport

@testable import cloud

/// A whole local stack: an emulated cluster, provisioners and a cloud server on SQLite, all real
/// processes on loopback.
final class CloudHarness: @unchecked Sendable {
    let scratch: String
    let emulator: KubeEmulator
    var provisioners: [ServerProcess]
    var server: ServerProcess
    var database: String { "\(scratch)/cloud.db" }
    private let provisionerArguments: [String]
    private let provisionerEnvironment: [String: String]
    /// In front of the provisioners when they play an older version.
    private let fronts: [OlderProvisioner]
    /// Where the cloud server finds the provisioners.
    private var provisionerURLs: [String] { fronts.isEmpty ? provisioners.map(\.baseURL) : fronts.map(\.url) }

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
        scratch = try Testbed.makeScratchDirectory()
        self.provisionerArguments = provisionerArguments
        provisionerEnvironment = environment
        emulator = try await KubeEmulator.start(readyAfter: readyAfter, scratch: scratch)
        let scratch = self.scratch
        provisioners = try await (0..<count).asyncMap { _ in
            try await ServerProcess.provisioner(scratch: scratch, arguments: provisionerArguments, environment: environment)
        }
        fronts = olderProvisioners ? try await provisioners.asyncMap { try await OlderProvisioner(inFrontOf: $0.baseURL) } : []
        server = try await ServerProcess.cloudServer(
            database: "\(scratch)/cloud.db",
            provisioners: fronts.isEmpty ? provisioners.map(\.baseURL) : fronts.map(\.url),
            arguments: serverArguments
        )
    }

    /// Kills the cloud server with SIGKILL and starts it again on the same database.
    func restartServer() async throws {
        server.signal(SIGKILL)
        server.stop()
        server = try await ServerProcess.cloudServer(database: database, provisioners: provisionerURLs)
    }

    /// Starts provisioner `index` again on its own port (after the test killed it): a restart in place.
    func restartProvisioner(_ index: Int) async throws {
        let port = Int(provisioners[index].baseURL.split(separator: ":").last ?? "") ?? 0
        provisioners[index].stop()
        provisioners[index] = try await ServerProcess.provisioner(
            scratch: scratch,
            arguments: provisionerArguments,
            environment: provisionerEnvironment,
            port: port
        )
    }

    func close() {
        server.stop()
        for server in provisioners { server.stop() }
        for front in fronts { front.stop() }
        emulator.stop()
        try? FileManager.default.removeItem(atPath: scratch)
    }

    // MARK: API

    /// Sent with this token as `Authorization: Bearer`, when the server requires one.
    var apiToken: String?

    func send(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> ServerProcess.Reply {
        try await server.request(method, path, body: try body.map { try JSONEncoder().encode($0) }, token: apiToken)
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
        let deadline = ContinuousClock.now + timeout
        while true {
            if let current = try? await deployment(id), done(current) { return current }
            guard ContinuousClock.now < deadline else {
                throw ServerProcess.StartFailure(log: "deployment \(id) not done: \(String(describing: try? await deployment(id)))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    // MARK: CLI

    /// Runs the real `cloud` binary against this harness's server.
    func cli(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandRun {
        try await CommandRun.run(ServerProcess.binary("cloud"), arguments + ["--server", server.baseURL], environment: environment)
    }
}
