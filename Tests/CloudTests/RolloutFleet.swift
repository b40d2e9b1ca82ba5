import FleetAPI
import Foundation
import HelmDriver
import TestSupport

@testable import cloud

/// A fleet for rollout tests on `LocalStack`: one emulated cluster per member (some may never
/// become ready), two provisioners, and cloud servers on one database (a SQLite file, or a
/// PostgreSQL URL several servers share). Clusters are registered in order as `c0`, `c1`, ...
/// with the labels `labels(index)` gives.
final class RolloutFleet: @unchecked Sendable {
    let stack: LocalStack
    private(set) var clusters: [Cluster] = []

    var scratch: String { stack.scratch }
    var emulators: [KubeEmulator] { stack.emulators }
    var servers: [ServerProcess] { stack.servers }

    static let service: ServiceName = "prometheus"
    static let release = ReleaseRef(name: "prometheus", namespace: "prometheus")

    /// - Parameters:
    ///   - offline: the members whose workloads never become ready (`--no-auto-ready`).
    ///   - database: a PostgreSQL URL; a SQLite file in the scratch directory when nil.
    init(
        clusters count: Int,
        readyAfter: Int = 0,
        offline: Set<Int> = [],
        database: String? = nil,
        servers serverCount: Int = 1,
        serverArguments: [String] = [],
        labels: @escaping @Sendable (Int) -> [String] = { _ in ["env=prod"] }
    ) async throws {
        stack = try await LocalStack(
            .init(
                clusters: count,
                readyAfter: readyAfter,
                offline: offline,
                servers: serverCount,
                database: database,
                serverArguments: serverArguments
            )
        )
        for (index, emulator) in stack.emulators.enumerated() {
            let body: JSONValue = [
                "Name": .string("c\(index)"), "Kubeconfig": .string(emulator.kubeconfig), "Labels": .array(labels(index).map(JSONValue.string)),
            ]
            clusters.append(try await send("POST", "/api/clusters", body).decode(Cluster.self))
        }
    }

    func close() { stack.close() }

    /// SIGKILLs cloud server `index` and, with `restart`, starts it again on the same database.
    func killServer(_ index: Int, restart: Bool) async throws {
        try await stack.killServer(index, restart: restart)
    }

    // MARK: API

    func send(_ method: String, _ path: String, _ body: JSONValue? = nil, via server: Int = 0) async throws -> ServerProcess.Reply {
        try await stack.send(method, path, body, via: server)
    }

    /// Creates a rollout of prometheus `version`; `changes` add to or replace the request's fields.
    func startRollout(_ version: String, _ changes: [String: JSONValue] = [:]) async throws -> Rollout {
        let body: [String: JSONValue] = ["Service": .string(Self.service.rawValue), "Chart": ["Version": .string(version)], "All": true]
        let reply = try await send("POST", "/api/rollouts", .object(body.merging(changes) { $1 }))
        guard reply.status == 201 else { throw ServerProcess.StartFailure(log: "rollout refused: \(reply.status) \(reply.text)") }
        return try reply.decode(RolloutPrinter.View.self).rollout
    }

    func rollout(_ id: String, via server: Int = 0) async throws -> RolloutPrinter.View {
        try await send("GET", "/api/rollout/\(id)", via: server).decode(RolloutPrinter.View.self)
    }

    func control(_ id: String, _ verb: String, _ body: JSONValue? = nil) async throws -> ServerProcess.Reply {
        try await send("POST", "/api/rollout/\(id)/\(verb)", body)
    }

    /// Polls until `done` holds; by default until the rollout is over or halted.
    @discardableResult
    func waitFor(
        _ id: String,
        via server: Int = 0,
        timeout: Duration = .seconds(180),
        until done: (RolloutPrinter.View) -> Bool = { $0.rollout.state.isFinal || $0.rollout.state == .halted }
    ) async throws -> Rollout {
        var view: RolloutPrinter.View?
        let arrived = await eventually(timeout: timeout, every: .milliseconds(200)) {
            view = try? await rollout(id, via: server)
            return view.map(done) ?? false
        }
        guard arrived, let view else {
            throw ServerProcess.StartFailure(log: "rollout \(id) not there yet: \(view.map { RolloutPrinter.progress($0) } ?? "unreadable")")
        }
        return view.rollout
    }

    /// The deployments of one cluster, oldest first.
    func deployments(of cluster: Int, via server: Int = 0) async throws -> [Deployment] {
        try await send("GET", "/api/deployments?cluster=\(clusters[cluster].id)", via: server).decode([Deployment].self)
    }

    /// Member `index`'s prometheus release history, as helm reports it.
    func history(_ index: Int) async throws -> [ReleaseRevision] {
        try await emulators[index].history(Self.release, scratch: scratch)
    }
}
