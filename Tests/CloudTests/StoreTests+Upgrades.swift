import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// Rolling upgrades: servers one schema version apart share a database while the newer ones
/// replace the older.
extension StoreTests {
    /// The shipped steps and then `added`: the migrations of the release after this one.
    static func nextRelease(_ added: Migrations.Change..., sql: String = "ALTER TABLE clusters ADD COLUMN note TEXT") -> Migrations {
        Migrations { dialect in
            let shipped = Migrations.current.steps(dialect)
            return shipped
                + added.enumerated().map { offset, change in
                    Migrations.Step(Migrations.current.latest + offset + 1, change, offset == 0 ? sql : "CREATE TABLE later_\(offset) (id TEXT)")
                }
        }
    }

    @Test("a server of the previous schema keeps working on a database an expand step has migrated", arguments: backends)
    func previousServerAfterExpand(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let newer = try await database.open(migrations: Self.nextRelease(.expand))
        let registered = cluster()
        try await newer.createCluster(registered, kubeconfig: .inline("k"))

        let older = try await database.open(migrations: .current)
        #expect(older.schemaVersion == Migrations.current.latest + 1)
        try await older.createDeployments([deployment(registered, "nginx", at: 5)], desiredVersions: nil)
        let second = cluster("c2", at: 6)
        try await older.createCluster(second, kubeconfig: .inline("k2"))
        #expect(try await newer.deployments(DeploymentFilter(), page: 0, perPage: 10).count == 1)
        #expect(try await newer.cluster(second.id) == second)
    }

    @Test("a server older than a contract step refuses the database, naming the schema it needs", arguments: backends)
    func previousServerAfterContract(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let latest = Migrations.current.latest
        _ = try await database.open(migrations: Self.nextRelease(.contract, .expand))

        await #expect(throws: StoreError.schemaTooNew(found: latest + 2, supported: latest, oldestReader: latest + 1)) {
            _ = try await database.open(migrations: .current)
        }
        #expect(try await database.open(migrations: Self.nextRelease(.contract)).schemaVersion == latest + 2)
    }

    @Test("deployments a schema-12 server wrote get their action from their body at schema 13", arguments: backends)
    func actionsBackfilled(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let twelve = try await database.open(migrations: Migrations { dialect in Migrations.current.steps(dialect).filter { $0.version <= 12 } })
        let registered = cluster()
        try await twelve.createCluster(registered, kubeconfig: .inline("k"))
        var plan = deployment(registered, "nginx", at: 5)
        plan.action = .plan
        // As a schema-12 server inserts it: no action column.
        _ = try await database.sql(
            "INSERT INTO deployments (id, cluster_id, service, body, state, provisioner, create_at) VALUES ($1, $2, $3, $4, $5, NULL, $6)",
            [
                .text(plan.id), .text(registered.id), .text("nginx"), .text(String(decoding: try WireJSON.encoder().encode(plan), as: UTF8.self)),
                .text("requested"), .integer(5),
            ]
        )

        let store = try await database.open(migrations: .current)
        #expect(try await store.deployments(DeploymentFilter(actions: .changes), page: 0, perPage: 10).isEmpty)
        #expect(try await store.deployments(DeploymentFilter(actions: .only([.plan])), page: 0, perPage: 10).map(\.id) == [plan.id])
    }

    @Test("a database records the oldest schema whose servers may use it")
    func recordsOldestReader() async throws {
        let database = try await StoreDatabase.make(.sqlite)
        _ = try await database.open(migrations: Self.nextRelease(.expand, .expand))
        let latest = Migrations.current.latest
        let recorded = try await database.sql("SELECT oldest_reader FROM schema_migrations WHERE version = $1", [.integer(Int64(latest + 2))])
        // Two expand steps after this release's: servers as old as its last contract step may read it.
        #expect(recorded.first?.first == .integer(Int64(Migrations.current.oldestReader(of: latest))))
    }

    @Test("every expand step keeps each column servers of the previous schema read, and needs none they do not write", arguments: backends)
    func expandStepsOnlyAdd(_ backend: StoreBackend) async throws {
        for step in Migrations.current.steps(.sqlite) where step.change == .expand {
            let violations = try await Self.expandViolations(backend, .current, at: step.version)
            #expect(violations.isEmpty, "schema \(step.version): \(violations)")
        }
    }

    @Test("the expand check finds a dropped column and a required new one")
    func expandCheckFindsContractions() async throws {
        let latest = Migrations.current.latest
        let dropped = try await Self.expandViolations(.sqlite, Self.nextRelease(.expand, sql: "ALTER TABLE clusters DROP COLUMN dns"), at: latest + 1)
        #expect(dropped == ["clusters.dns TEXT is gone"])
        let required = try await Self.expandViolations(
            .sqlite,
            Self.nextRelease(.expand, sql: "ALTER TABLE deployments ADD COLUMN owner TEXT NOT NULL DEFAULT ''; CREATE TABLE t (a TEXT NOT NULL)"),
            at: latest + 1
        )
        #expect(required.isEmpty)
        let renamed = try await Self.expandViolations(
            .sqlite,
            Self.nextRelease(.expand, sql: "ALTER TABLE audit RENAME COLUMN role TO granted"),
            at: latest + 1
        )
        #expect(renamed == ["audit.role TEXT is gone"])
    }

    /// What step `version` of `migrations` takes away from a server one schema older: columns it
    /// reads that are gone or changed, and columns of its tables that its INSERTs would have to name.
    static func expandViolations(_ backend: StoreBackend, _ migrations: Migrations, at version: Int) async throws -> [String] {
        let before = try await StoreDatabase.make(backend)
        let after = try await StoreDatabase.make(backend)
        try await before.createSchema(upTo: version - 1, from: migrations)
        try await after.createSchema(upTo: version, from: migrations)
        let old = try await before.columns()
        let new = try await after.columns()
        let oldTables = Set(old.map(\.table))
        let kept = Set(new)
        return old.filter { !kept.contains($0) }.map { "\($0) is gone" }
            + new.filter { oldTables.contains($0.table) && $0.required && !old.contains($0) }.map { "\($0) must be written" }
    }
}
