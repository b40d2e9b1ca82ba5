import FleetAPI
import Foundation
import HelmDriver
import TestSupport

@testable import cloud

/// The chaos suite's fleet on `LocalStack`: one emulator per cluster (`--ready-after` keeps work
/// in flight), three provisioners (restarted in place on their ports), one cloud server.
final class Fleet: @unchecked Sendable {
    let stack: LocalStack
    var clusters: [Cluster] = []

    var scratch: String { stack.scratch }
    var emulators: [KubeEmulator] { stack.emulators }
    var provisioners: [ServerProcess] { stack.provisioners }
    var server: ServerProcess { stack.server }
    var database: String { stack.database }

    /// A killed provisioner's pending releases are taken over once their Leases run out (15 s);
    /// no clock skew (one host), and a default timeout of a minute that leaves room for a loaded
    /// host, whose helm runs each start a supervisor too.
    init(clusters count: Int, readyAfter: Int) async throws {
        stack = try await LocalStack(
            .init(
                clusters: count,
                readyAfter: readyAfter,
                provisioners: 3,
                provisionerArguments: ["--drain-timeout", "2s", "--default-timeout", "60s", "--max-clock-skew", "0s"]
            )
        )
    }

    func registerClusters() async throws {
        for (index, emulator) in emulators.enumerated() {
            let body: JSONValue = ["Name": .string("cluster-\(index)"), "Kubeconfig": .string(emulator.kubeconfig)]
            clusters.append(try await send("POST", "/api/clusters", body).decode(Cluster.self))
        }
    }

    /// Replaces provisioner `index` with a new process on the same port (a rolling upgrade).
    func restartProvisioner(_ index: Int) async throws {
        try await stack.restartProvisioner(index)
    }

    func restartServer() async throws {
        try await stack.killServer(0, restart: true)
    }

    func send(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> ServerProcess.Reply {
        try await stack.send(method, path, body)
    }

    /// One apply per (cluster, service) with `values`, all at once.
    func applyEverywhere(
        services: [ServiceName],
        version: (ServiceName) -> String,
        values: (Int, ServiceName) -> JSONValue
    ) async throws -> [Deployment] {
        var created: [Deployment] = []
        for (index, cluster) in clusters.enumerated() {
            for service in services {
                let body: JSONValue = [
                    "ClusterID": .string(cluster.id), "Service": .string(service.rawValue), "Action": "apply",
                    "Chart": ["Version": .string(version(service))], "Values": values(index, service),
                ]
                created.append(try await send("POST", "/api/deployments", body).decode(Deployment.self))
            }
        }
        return created
    }

    func deployment(_ id: String) async throws -> Deployment {
        try await send("GET", "/api/deployment/\(id)").decode(Deployment.self)
    }

    /// Waits until at least `count` of the deployments run on a provisioner (work in flight to disrupt).
    /// Past `timeout` the scenario goes on with what runs: the disruption then meets less work.
    func waitUntilRunning(_ ids: [String], atLeast count: Int, timeout: Duration = .seconds(120)) async throws {
        _ = try await eventually(timeout: timeout, every: .milliseconds(200)) {
            var running = 0
            for id in ids where try await deployment(id).state == .running { running += 1 }
            return running >= count
        }
    }

    /// Waits until every deployment is final or the time is up; returns the last state of each.
    func settle(_ ids: [String], timeout: Duration = .seconds(600)) async throws -> [Deployment] {
        var current: [Deployment?] = []
        _ = await eventually(timeout: timeout, every: .seconds(1)) {
            current = await ids.asyncMap { try? await self.deployment($0) }
            return current.allSatisfy { $0?.state.isFinal == true }
        }
        return current.compactMap { $0 }
    }

    /// Every release's latest status on every cluster, read with helm.
    func releaseStatuses() async throws -> [(cluster: Int, release: String, history: [ReleaseRevision])] {
        var results: [(Int, String, [ReleaseRevision])] = []
        for (index, emulator) in emulators.enumerated() {
            for release in [
                ReleaseRef(name: "nginx", namespace: "nginx"), ReleaseRef(name: "fluent-bit", namespace: "fluent-bit"),
                ReleaseRef(name: "prometheus", namespace: "prometheus"),
            ] {
                results.append((index, release.name, try await emulator.history(release, scratch: scratch)))
            }
        }
        return results
    }

    func close() { stack.close() }
}
