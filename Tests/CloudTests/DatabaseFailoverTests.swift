import FleetAPI
import Foundation
import HelmDriver
import Synchronization
import TestSupport
import Testing

@testable import cloud

/// Cloud servers on a PostgreSQL primary with a synchronous standby (as RDS Multi-AZ or Patroni
/// run it), through a multi-host URL: the primary fails and the standby is promoted while they work.
@Suite("PostgreSQL failover", .serialized, .tags(.integration), .skippedInFastRuns)
struct DatabaseFailoverTests {
    /// Follows the event log as a client of `GET /api/events?after=` does, asking again after
    /// every failure, and keeps every event ID it was given.
    final class EventReader: Sendable {
        let server: ServerProcess
        private let seen = Mutex<[Int64]>([])
        let stopped = Atomic(false)

        init(_ server: ServerProcess) { self.server = server }

        var ids: [Int64] { seen.withLock { $0 } }

        func follow() async {
            var after: Int64 = 0
            while !stopped.load(ordering: .relaxed) {
                guard let reply = try? await server.request("GET", "/api/events?after=\(after)&wait=1"), reply.status == 200,
                    let batch = try? reply.decode(EventRoutes.Batch.self)
                else {
                    try? await Task.sleep(for: .milliseconds(200))
                    continue
                }
                seen.withLock { $0 += batch.events.map(\.id) }
                after = batch.lastEventID
            }
        }
    }

    @Test(
        "the primary fails mid-rollout and the standby is promoted: the servers reconnect, the rollout finishes, no deployment is lost or run twice, no event is missed",
        .enabled(if: PostgresServer.isInstalled, Comment(rawValue: PostgresServer.notInstalled))
    )
    func failoverMidRollout() async throws {
        let primary = try await PostgresServer.startPrimary()
        let standby = try await primary.startStandby()
        defer {
            primary.stop()
            standby.stop()
        }
        let name = PostgresServer.newDatabaseName()
        try await ConnectionPool.postgres(url: primary.adminURL, size: 1).withConnection { try $0.execute("CREATE DATABASE \(name)") }
        let url =
            "postgres://postgres:\(primary.password)@\(primary.hostAndPort),\(standby.hostAndPort)/\(name)"
            + "?target_session_attrs=read-write&connect_timeout=5"
        let fleet = try await RolloutFleet(clusters: 6, readyAfter: 2, database: url, servers: 2)
        defer { fleet.close() }
        let reader = EventReader(fleet.servers[1])
        let reading = Task { await reader.follow() }

        let rollout = try await fleet.startRollout("25.18.0", ["BatchSize": "1"])
        try await fleet.waitFor(rollout.id) { view in view.rollout.clusters.count { $0.state == .succeeded } >= 2 }
        let beforeCrash = try await fleet.rollout(rollout.id)
        try await primary.crash()
        // Until a failover manager promotes the standby, requests that need the database are
        // told to come back.
        var unavailable: ServerProcess.Reply?
        #expect(
            await eventually(timeout: .seconds(30)) {
                unavailable = try? await fleet.send("GET", "/api/clusters")
                return unavailable?.status == 503
            }
        )
        #expect(unavailable?.text.contains("the database is unavailable") == true)
        try await standby.promote()
        #expect(beforeCrash.rollout.clusters.count { $0.state == .succeeded } < fleet.clusters.count - 1, "the primary failed mid-rollout")

        let done = try await fleet.waitFor(rollout.id, via: 1, timeout: .seconds(300))
        #expect(done.state == .succeeded, "\(done.error ?? "")")
        for index in fleet.clusters.indices {
            let history = try await fleet.history(index)
            #expect(history.map(\.revision) == [1], "c\(index) was installed \(history.count) times")
            let deployments = try await fleet.deployments(of: index)
            #expect(deployments.map(\.state) == [.succeeded], "c\(index): \(deployments.map { ($0.id, $0.state) })")
        }

        let promoted = ConnectionPool.postgres(url: standby.url(database: name), size: 1)
        let stored = try await promoted.withConnection { try $0.query("SELECT id FROM events ORDER BY id").compactMap { $0.first?.int } }
        #expect(await eventually(timeout: .seconds(30)) { reader.ids.count >= stored.count })
        reader.stopped.store(true, ordering: .relaxed)
        await reading.value
        #expect(Array(reader.ids.prefix(stored.count)) == stored, "a reader following the log saw every event, once, in order")
        #expect(stored.count > fleet.clusters.count)
    }

}
