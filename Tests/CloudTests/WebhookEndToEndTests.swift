import FleetAPI
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import cloud

/// `--webhook` on a real cloud server: a delivery the endpoint refused survives the server being
/// killed, and the restarted server delivers it once the endpoint is back.
@Suite("Webhooks end to end", .tags(.integration), .skippedInFastRuns)
struct WebhookEndToEndTests {
    final class Switch: Sendable {
        let on = Mutex(false)
    }

    /// `body`, with the server's log recorded when it fails.
    func withLog<T>(_ server: ServerProcess, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            Issue.record("\(error)\ncloud server log:\n\(server.log.suffix(4000))")
            throw error
        }
    }

    @Test("a delivery refused before a SIGKILL is delivered by the restarted server, and the CLI shows the endpoint's last error")
    func survivesRestart() async throws {
        let endpointUp = Switch()
        let receiver = try await WebhookReceiver { _, _ in endpointUp.on.withLock { $0 } ? 200 : 500 }
        defer { receiver.stop() }
        let scratch = try Testbed.makeScratchDirectory()
        let arguments = ["--webhook", receiver.url, "--webhook-format", "mattermost", "--webhook-events", "cluster.created"]
        var server = try await ServerProcess.cloudServer(database: "\(scratch)/cloud.db", provisioners: [], arguments: arguments)
        defer { server.stop() }

        let body = try WireJSON.encoder().encode(["Name": "edge-1", "Kubeconfig": KubeconfigSamples.make()])
        let cluster = try await server.request("POST", "/api/clusters", body: body).decode(Cluster.self)
        _ = try await withLog(server) { try await receiver.waitFor("a refused attempt") { !$0.isEmpty } }
        let listed = try await CommandRun.run(ServerProcess.binary("cloud"), ["webhook", "list", "--output", "table", "--server", server.baseURL])
        #expect(listed.status == 0 && listed.stdout.contains("the endpoint answered 500"), "\(listed.stdout)\(listed.stderr)")
        #expect(listed.stdout.contains("http://127.0.0.1:") && !listed.stdout.contains("/hook"), "the URL's path is not shown")

        server.signal(SIGKILL)
        server.stop()
        endpointUp.on.withLock { $0 = true }
        server = try await ServerProcess.cloudServer(database: "\(scratch)/cloud.db", provisioners: [], arguments: arguments)

        let restarted = server
        let taken = try await withLog(restarted) { try await receiver.waitFor("the delivery after the restart") { $0.contains { $0.status == 200 } } }
        let text = try WireJSON.decoder().decode([String: String].self, from: taken.first { $0.status == 200 }!.body)["text"] ?? ""
        #expect(text.contains("cluster edge-1 (\(cluster.id)) registered") && text.contains("/ui/cluster/\(cluster.id))"), "\(text)")
        #expect(Set(taken.map { $0.headers["x-cloud-delivery"] ?? "" }).count == 1, "the same delivery, not a new event")
    }
}
