import FleetAPI
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import cloud

/// `cloud server backup` as docs/operating.md tells an operator to use it: against a running
/// server's SQLite file, then restored by putting the copy in the file's place.
@Suite("Backup", .tags(.integration), .skippedInFastRuns)
struct BackupTests {
    /// Registers clusters, each with a deployment, one after another until told to stop, keeping
    /// the IDs the server acknowledged (a request that failed, on a loaded host, is not counted).
    final class Writer: Sendable {
        let acknowledged = Mutex<(clusters: [String], deployments: [String], failures: [String])>(([], [], []))
        let stopped = Atomic(false)

        func run(_ server: ServerProcess) async {
            var index = 0
            while !stopped.load(ordering: .relaxed) {
                index += 1
                do {
                    let cluster = try await server.request(
                        "POST",
                        "/api/clusters",
                        body: try WireJSON.encoder().encode(["Name": "c\(index)", "Kubeconfig": KubeconfigSamples.make()])
                    ).decode(Cluster.self)
                    acknowledged.withLock { $0.clusters.append(cluster.id) }
                    let body: JSONValue = [
                        "ClusterID": .string(cluster.id), "Service": "nginx", "Action": "apply",
                        "Chart": ["Version": .string(Testbed.defaultChartVersions["nginx"]!)],
                    ]
                    let deployment = try await server.request("POST", "/api/deployments", body: try WireJSON.encoder().encode(body))
                        .decode(Deployment.self)
                    acknowledged.withLock { $0.deployments.append(deployment.id) }
                } catch {
                    acknowledged.withLock { $0.failures.append("\(error)") }
                }
            }
        }

        var count: Int { acknowledged.withLock { $0.deployments.count } }
        var failures: [String] { acknowledged.withLock { $0.failures } }
    }

    static func backup(_ arguments: [String]) async throws -> CommandRun {
        try await CommandRun.run(ServerProcess.binary("cloud"), ["server", "backup"] + arguments)
    }

    @Test("a backup of a server being written to, restored, holds every cluster, deployment and event acknowledged before it began")
    func backupUnderLoadRestores() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let database = "\(scratch)/cloud.db"
        let server = try await ServerProcess.cloudServer(database: database, provisioners: [])
        defer { server.stop() }
        let writer = Writer()
        let writing = Task { await writer.run(server) }
        #expect(await eventually(timeout: .seconds(120)) { writer.count >= 20 }, "\(writer.failures.suffix(3))")

        let before = writer.acknowledged.withLock { $0 }
        let run = try await Self.backup(["--database", "sqlite://\(database)", "--to", "\(scratch)/backup.db"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("backed up \(database) to \(scratch)/backup.db: schema \(Migrations.current.latest)"))
        let during = writer.count
        #expect(await eventually(timeout: .seconds(120)) { writer.count >= during + 5 }, "\(writer.failures.suffix(3))")
        writer.stopped.store(true, ordering: .relaxed)
        await writing.value
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)

        // The restore docs/operating.md describes.
        for file in [database, "\(database)-wal", "\(database)-shm"] { try? FileManager.default.removeItem(atPath: file) }
        try FileManager.default.moveItem(atPath: "\(scratch)/backup.db", toPath: database)
        let restoredServer = try await ServerProcess.cloudServer(database: database, provisioners: [])
        defer { restoredServer.stop() }

        let clusters = try await restoredServer.request("GET", "/api/clusters?per_page=1000").decode([Cluster].self).map(\.id)
        #expect(Set(before.clusters).isSubset(of: clusters))
        #expect(clusters.count < writer.acknowledged.withLock { $0.clusters.count }, "the copy is of one moment, before the writes that followed it")
        let deployments = try await restoredServer.request("GET", "/api/deployments?per_page=1000").decode([Deployment].self)
        #expect(Set(before.deployments).isSubset(of: deployments.map(\.id)))
        #expect(deployments.count <= clusters.count)
        restoredServer.stop()

        let restored = try SQLiteConnection(path: database, creating: false)
        let events = try restored.query("SELECT id FROM events ORDER BY id").compactMap { $0.first?.int }
        #expect(events == Array(1...Int64(events.count)), "no gap in the event log")
        let registered = try restored.query("SELECT body FROM events WHERE type = 'cluster.created'").count
        #expect(registered == clusters.count)
    }

    @Test("cloud server backup refuses an existing file, a missing database and a PostgreSQL URL, in one line")
    func backupRefusals() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let existing = "\(scratch)/existing.db"
        _ = FileManager.default.createFile(atPath: existing, contents: Data("keep".utf8))
        let refusals = [
            (["--database", "sqlite://\(scratch)/missing.db", "--to", "\(scratch)/a.db"], "missing.db does not exist"),
            (["--database", "sqlite://\(scratch)/missing.db", "--to", existing], "existing.db exists; back up to a new file"),
            (["--database", "postgres://u:hunter2@127.0.0.1/cloud", "--to", "\(scratch)/b.db"], "backed up with pg_dump"),
        ]
        for (arguments, message) in refusals {
            let run = try await Self.backup(arguments)
            #expect(run.status == 1)
            #expect(run.stderr.contains(message), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(!run.stderr.contains("hunter2"))
        }
        #expect(FileManager.default.contents(atPath: existing) == Data("keep".utf8))
    }
}
