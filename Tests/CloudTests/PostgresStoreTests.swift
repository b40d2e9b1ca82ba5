import FleetAPI
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import cloud

/// What only the PostgreSQL store has: a URL with a password in it, a network between it and its
/// data, and a pool of connections. The behaviours both stores share are in StoreTests.
@Suite("PostgreSQL store", .tags(.integration), .skippedInFastRuns)
struct PostgresStoreTests {
    static let password = "hunter2-do-not-print"

    /// The error `body` throws, as the cloud server would print it.
    func failure(_ body: () async throws -> Void) async -> String {
        do {
            try await body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("an unreachable server is one line that names where, without the password")
    func unreachable() async {
        let message = await failure { _ = try await SQLStore(postgres: "postgres://cloud:\(Self.password)@127.0.0.1:1/cloud") }
        #expect(message.contains("cannot connect to PostgreSQL at 127.0.0.1:1/cloud"))
        #expect(!message.contains(Self.password))
        #expect(!message.contains("\n"))
    }

    @Test(
        "a malformed URL is refused without quoting its password",
        arguments: [
            "postgres://cloud:hunter2%zz@127.0.0.1:1/cloud",  // libpq quotes the whole bad component
            "postgresql://cloud:hunter2@x@127.0.0.1:1/cloud",  // an unencoded @ would put half the password in the host
            "postgres://cloud@127.0.0.1:1/cloud?password=hunter2&sslmode=bogus",
        ]
    )
    func malformed(_ url: String) async {
        let message = await failure { _ = try await SQLStore(postgres: url) }
        #expect(message != "no error")
        #expect(!message.contains("hunter2"), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test("cloud server with a bad database URL exits 1 with one line on stderr, without the password")
    func serverCommandError() async throws {
        let run = try await CommandRun.run(
            ServerProcess.binary("cloud"),
            ["server", "--listen", "127.0.0.1:0", "--database", "postgres://cloud:\(Self.password)@127.0.0.1:1/cloud"]
        )
        let output = run.stderr

        #expect(run.status == 1)
        #expect(output.hasPrefix("Error: --database: cannot connect to PostgreSQL at 127.0.0.1:1/cloud"), "\(output)")
        #expect(output.split(separator: "\n").count == 1)
        #expect(!output.contains(Self.password))
    }

    @Test(
        "a wrong password is refused in one line that does not contain it",
        .enabled(if: PostgresServer.isInstalled, Comment(rawValue: PostgresServer.notInstalled))
    )
    func wrongPassword() async throws {
        let server = try await PostgresServer.shared
        let message = await failure { _ = try await SQLStore(postgres: "postgres://postgres:\(Self.password)@127.0.0.1:\(server.port)/postgres") }
        #expect(message.contains("password authentication failed"), "\(message)")
        #expect(!message.contains(Self.password))
        #expect(!message.contains("\n"))
    }

    @Test(
        "servers starting together on a new database migrate it once",
        .enabled(if: PostgresServer.isInstalled, Comment(rawValue: PostgresServer.notInstalled))
    )
    func concurrentStartMigratesOnce() async throws {
        let database = try await StoreDatabase.make(.postgres)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { _ = try await database.open() } }
            try await group.waitForAll()
        }
        let versions = try await database.sql("SELECT version FROM schema_migrations ORDER BY version").compactMap { $0.first?.int }
        #expect(versions == (1...Migrations.current.latest).map(Int64.init))
    }

    @Test(
        "calls run side by side, each blocking a thread of its own rather than one of the cooperative pool",
        .enabled(if: PostgresServer.isInstalled, Comment(rawValue: PostgresServer.notInstalled))
    )
    func callsRunOffTheCooperativePool() async throws {
        let database = try await StoreDatabase.make(.postgres)
        // More calls than the cooperative pool has threads: they only all meet if none of them sits on one.
        let calls = max(4, ProcessInfo.processInfo.activeProcessorCount + 1)
        let pool = ConnectionPool.postgres(url: database.location, size: calls)
        final class Counter: Sendable { let value = Atomic(0) }
        let arrived = Counter()
        let met = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<calls {
                group.addTask {
                    try await pool.withConnection { connection in
                        try connection.query("SELECT 1")
                        arrived.value.add(1, ordering: .sequentiallyConsistent)
                        let deadline = Date().addingTimeInterval(20)
                        while arrived.value.load(ordering: .sequentiallyConsistent) < calls && Date() < deadline { usleep(1000) }
                        return arrived.value.load(ordering: .sequentiallyConsistent) == calls
                    }
                }
            }
            return try await group.reduce(true) { $0 && $1 }
        }
        #expect(met)
    }

    @Test(
        "a connection the server closed is reopened on the next call",
        .enabled(if: PostgresServer.isInstalled, Comment(rawValue: PostgresServer.notInstalled))
    )
    func reconnects() async throws {
        let database = try await StoreDatabase.make(.postgres)
        let store = try await SQLStore(postgres: database.location, connections: 1)
        let registered = Cluster(id: ID.make(), name: "c", dns: nil, labels: [], utilities: UtilityMetadata(), createAt: 1)
        try await store.createCluster(registered, kubeconfig: .inline("k"))

        let name = try #require(database.location.split(separator: "/").last)
        let server = try await PostgresServer.shared
        let admin = ConnectionPool.postgres(url: server.adminURL, size: 1)
        try await admin.withConnection { admin in
            try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [.text(String(name))])
        }
        // Terminating is asynchronous: wait until the store's backend is gone.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline,
            try await admin.withConnection({ admin in
                try admin.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1", [.text(String(name))])
            }).count > 0
        {
            await Task.yield()
        }
        #expect(try await store.cluster(registered.id) == registered)
    }

    @Test(
        "a cloud server on PostgreSQL keeps its clusters across a restart",
        .enabled(if: PostgresServer.isInstalled, Comment(rawValue: PostgresServer.notInstalled))
    )
    func serverRestart() async throws {
        let database = try await StoreDatabase.make(.postgres)
        func start() async throws -> ServerProcess {
            try await ServerProcess.start(
                ServerProcess.binary("cloud"),
                ["server", "--listen", "127.0.0.1:0", "--log-format", "json", "--database", database.location, "--poll", "1s"],
                environment: [:]
            )
        }
        let first = try await start()
        let body = try WireJSON.encoder().encode(["Name": JSONValue.string("pg"), "KubeconfigSource": ["SecretsManager": ["SecretID": "k"]]])
        let created = try await first.request("POST", "/api/clusters", body: body)
        first.stop()
        #expect(created.status == 200)
        #expect(!first.log.contains(try await PostgresServer.shared.password))

        let second = try await start()
        defer { second.stop() }
        let listed = try await second.request("GET", "/api/clusters")
        #expect(try listed.decode([Cluster].self).map(\.name) == ["pg"])
    }
}
