import FleetAPI
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import cloud

/// The Server-Sent Events stream of a real cloud server, read by curl as a browser's EventSource
/// reads it: resuming after `Last-Event-ID`, live events, and a graceful stop with streams open.
@Suite("Event stream", .tags(.integration), .skippedInFastRuns)
struct EventStreamTests {
    /// curl following the stream until `seconds` pass or the server closes it.
    final class Follower: Sendable {
        let process: Process
        private let received = Mutex("")

        init(_ url: String, lastEventID: Int64?, seconds: Int? = nil) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments =
                ["-sN", "-H", "Accept: text/event-stream"] + (lastEventID.map { ["-H", "Last-Event-ID: \($0)"] } ?? [])
                + (seconds.map { ["--max-time", "\($0)"] } ?? []) + ["\(url)/api/events"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            self.process = process
            output.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                self?.received.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
            try process.run()
        }

        var text: String { received.withLock { $0 } }

        /// Until what it printed contains `part` (the stream has reached that point).
        func waitFor(_ part: String) async throws {
            guard await eventually(timeout: .seconds(90), every: .milliseconds(20), { text.contains(part) }) else {
                throw StreamEnded(text: text)
            }
        }

        func stop() {
            if process.isRunning { process.terminate() }
        }

        struct StreamEnded: Error { var text: String }

        /// The events in what it printed.
        var events: [FleetEvent] {
            get throws {
                try text.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.map {
                    try WireJSON.decoder().decode(FleetEvent.self, from: Data($0.dropFirst("data: ".count).utf8))
                }
            }
        }
    }

    func register(_ server: ServerProcess, _ name: String) async throws -> Cluster {
        try await server.request(
            "POST",
            "/api/clusters",
            body: try WireJSON.encoder().encode(["Name": name, "Kubeconfig": KubeconfigSamples.make()])
        )
        .decode(Cluster.self)
    }

    @Test("a stream resumed after Last-Event-ID sends the events it missed, then new ones as they happen, each with its ID")
    func resumesThenFollows() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let server = try await ServerProcess.cloudServer(database: "\(scratch)/cloud.db", provisioners: [])
        defer { server.stop() }
        let before = try await register(server, "before")

        let follower = try Follower(server.baseURL, lastEventID: 0)
        defer { follower.stop() }
        try await follower.waitFor(before.id)
        let after = try await register(server, "after")
        try await follower.waitFor(after.id)

        let events = try follower.events.filter { $0.type == "cluster.created" }
        #expect(events.map(\.objectID) == [before.id, after.id], "\(follower.text)")
        #expect(follower.text.contains("id: \(events[0].id)\ndata: "), "each event carries its ID for the next Last-Event-ID")
        #expect(follower.text.hasPrefix("retry: "))
    }

    @Test(
        "two cloud servers on one PostgreSQL database: a change made through one is streamed by the other",
        .enabled(if: PostgresServer.isInstalled, Comment(rawValue: PostgresServer.notInstalled))
    )
    func sharedDatabase() async throws {
        let database = try await StoreDatabase.make(.postgres)
        let first = try await ServerProcess.cloudServer(database: database.location, provisioners: [])
        defer { first.stop() }
        let second = try await ServerProcess.cloudServer(database: database.location, provisioners: [])
        defer { second.stop() }
        let follower = try Follower(second.baseURL, lastEventID: 0)
        defer { follower.stop() }
        try await follower.waitFor("retry: ")

        let cluster = try await register(first, "through-the-first")
        try await follower.waitFor(cluster.id)
        #expect(try follower.events.contains { $0.type == "cluster.created" && $0.objectID == cluster.id })
    }

    @Test("a provisioner that does not answer is a provisioner.unhealthy event")
    func provisionerHealth() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let server = try await ServerProcess.cloudServer(database: "\(scratch)/cloud.db", provisioners: ["http://127.0.0.1:9"])
        defer { server.stop() }
        let follower = try Follower(server.baseURL, lastEventID: 0)
        defer { follower.stop() }
        try await follower.waitFor("provisioner.unhealthy")
        let health = try follower.events.filter { $0.type.hasPrefix("provisioner.") }
        #expect(health.first?.objectID == "http://127.0.0.1:9" && health.first?.state == "unhealthy")
    }

    @Test("a graceful stop ends open streams instead of waiting for them")
    func stopEndsStreams() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let server = try await ServerProcess.cloudServer(database: "\(scratch)/cloud.db", provisioners: [])
        defer { server.stop() }
        let follower = try Follower(server.baseURL, lastEventID: nil)
        defer { follower.stop() }
        try await follower.waitFor("retry: ")

        server.signal(SIGTERM)
        #expect(try await server.waitForExit(timeout: .seconds(20)) == 0)
        _ = await eventually(timeout: .seconds(10)) { !follower.process.isRunning }
        #expect(!follower.process.isRunning && follower.process.terminationStatus == 0, "curl saw the stream end cleanly")
    }
}
