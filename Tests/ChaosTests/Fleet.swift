import Foundation
import Internal
import TestSupport

@testable import cloud

/// A fleet on loopback for the chaos suite: one emulator per cluster (`--ready-after` keeps work in
/// flight), three provisioners on fixed ports (so one can be restarted in place), one cloud server.
final class Fleet: @unchecked Sendable {
    let scratch: String
    let emulators: [KubeEmulator]
    var provisioners: [ServerProcess]
    let ports: [Int]
    var server: ServerProcess
    var clusters: [Cluster] = []
    var database: String { "\(scratch)/cloud.db" }

    init(clusters count: Int, readyAfter: Int) async throws {
        let scratch = try Testbed.makeScratchDirectory()
        self.scratch = scratch
        emulators = try await (0..<count).asyncMap { _ in try await KubeEmulator.start(readyAfter: readyAfter, scratch: scratch) }
        let ports = (0..<3).map { _ in Testbed.freePort() }
        self.ports = ports
        provisioners = try await ports.asyncMap { try await Self.provisioner(scratch: scratch, port: $0) }
        server = try await ServerProcess.cloudServer(database: "\(scratch)/cloud.db", provisioners: ports.map { "http://127.0.0.1:\($0)" })
    }

    /// A killed provisioner's pending releases are waited for until provably stale when it is
    /// only unreachable (no proof its helm is gone): a short default timeout and no clock skew
    /// (one host) keep that wait to about half a minute.
    static func provisioner(scratch: String, port: Int) async throws -> ServerProcess {
        try await ServerProcess.provisioner(
            scratch: scratch,
            arguments: ["--drain-timeout", "2s", "--default-timeout", "30s", "--max-clock-skew", "0s"],
            port: port
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
        provisioners[index].stop()
        let (scratch, port) = (scratch, ports[index])
        provisioners[index] = try await Self.provisioner(scratch: scratch, port: port)
    }

    func restartServer() async throws {
        server.signal(SIGKILL)
        server.stop()
        let (database, ports) = (database, ports)
        server = try await ServerProcess.cloudServer(database: database, provisioners: ports.map { "http://127.0.0.1:\($0)" })
    }

    func send(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> ServerProcess.Reply {
        try await server.request(method, path, body: try body.map { try JSONEncoder().encode($0) })
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
    func waitUntilRunning(_ ids: [String], atLeast count: Int, timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var running = 0
            for id in ids where try await deployment(id).state == .running { running += 1 }
            if running >= count { return }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Waits until every deployment is final or the time is up; returns the last state of each.
    func settle(_ ids: [String], timeout: Duration = .seconds(600)) async throws -> [Deployment] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let current = await ids.asyncMap { try? await self.deployment($0) }
            if current.allSatisfy({ $0?.state.isFinal == true }) || ContinuousClock.now > deadline {
                return current.compactMap { $0 }
            }
            try await Task.sleep(for: .seconds(1))
        }
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

    func close() {
        server.stop()
        for server in provisioners { server.stop() }
        for server in emulators { server.stop() }
        try? FileManager.default.removeItem(atPath: scratch)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
