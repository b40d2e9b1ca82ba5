import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// The schema, on both backends: numbered migrations, and databases written by earlier cloud servers.
extension StoreTests {
    @Test("data survives closing and reopening the store", arguments: backends)
    func survivesRestart(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let registered = cluster()
        do {
            let store = try await database.open()
            try await store.createCluster(registered, kubeconfig: .inline("secret"))
            try await store.createDeployments([deployment(registered, "nginx", at: 5)], desiredVersions: nil)
        }
        let reopened = try await database.open()
        #expect(try await reopened.cluster(registered.id) == registered)
        #expect(try await reopened.kubeconfig(ofCluster: registered.id) == .inline("secret"))
        #expect(try await reopened.deployments(DeploymentFilter(), page: 0, perPage: 10).count == 1)
    }

    @Test("a database from a newer cloud server is refused", arguments: backends)
    func refusesNewerSchema(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        _ = try await database.open()
        try await database.sql("INSERT INTO schema_migrations (version, applied_at, oldest_reader) VALUES (999, 0, 990)")
        await #expect(throws: StoreError.schemaTooNew(found: 999, supported: Migrations.current.latest, oldestReader: 990)) {
            _ = try await database.open()
        }
    }

    @Test("a database at an older schema version is migrated forward, keeping its data", arguments: backends)
    func migratesForward(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        try await database.createPreviousSchema(version: 1)
        try await database.sql("INSERT INTO clusters (id, name, kubeconfig, labels, utilities, create_at) VALUES ('c', 'old', 'k', '[]', '{}', 1)")

        let store = try await database.open()
        #expect(try await store.kubeconfig(ofCluster: "c") == .inline("k"))
        #expect(try await database.sql("SELECT MAX(version) FROM schema_migrations").first?.first == .integer(Int64(Migrations.current.latest)))
    }

    @Test("a new database has the schema of one written before the store was one implementation", arguments: backends)
    func sameSchemaAsBefore(_ backend: StoreBackend) async throws {
        let previous = try await StoreDatabase.make(backend)
        try await previous.createPreviousSchema(version: 4)
        _ = try await previous.open()
        let new = try await StoreDatabase.make(backend)
        _ = try await new.open()

        let schema = try await new.schema()
        #expect(schema.contains { $0.contains("audit_by_actor") })
        #expect(schema == (try await previous.schema()))
    }

    @Test(
        "a database written before the store was one implementation opens with its clusters, deployments, leases and audit log",
        arguments: backends
    )
    func opensPreviousDatabase(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        try await database.createPreviousSchema(version: 4)
        let records = StoreRecords(cipher: nil)
        let inline = cluster("inline", at: 1)
        let kept = cluster("kept", at: 2)
        let source = KubeconfigSource(secretsManager: .init(secretID: "k"))
        let requested = deployment(inline, "nginx", at: 3)
        for (registered, kubeconfig) in [(inline, ClusterKubeconfig.inline("k")), (kept, .source(source))] {
            try await database.sql(
                """
                INSERT INTO clusters (id, name, kubeconfig, kubeconfig_source, dns, labels, utilities, create_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                try records.clusterValues(registered, kubeconfig: kubeconfig)
            )
        }
        try await database.sql(
            "INSERT INTO deployments (id, cluster_id, service, body, state, provisioner, create_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            Array(try records.deploymentValues(requested).prefix(7))  // schema 4 has no action column
        )
        try await database.sql("UPDATE deployments SET lease_owner = 'gone', lease_expires = 10")
        let earlier = AuditEntry(
            id: 0,
            time: 5,
            actor: "root",
            role: .admin,
            method: "POST",
            path: "/api/clusters",
            targets: [inline.id],
            status: 200
        )
        try await database.sql(
            "INSERT INTO audit (\(StoreRecords.auditInsertColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            try records.auditValues(earlier)
        )

        let store = try await database.open()
        #expect(try await store.clusters(label: nil, page: 0, perPage: 10) == [inline, kept])
        #expect(try await store.kubeconfig(ofCluster: kept.id) == .source(source))
        #expect(try await store.deployment(requested.id) == requested)
        #expect(try await store.claimLeases(owner: "new", now: 11, until: 20, renew: false) == [requested.id])
        try await store.recordAudit(AuditEntry(id: 0, time: 6, actor: nil, role: nil, method: "GET", path: "/", targets: [], status: 401))
        let entries = try await store.auditEntries(AuditQuery(limit: 10))
        #expect(entries.map(\.path) == ["/", "/api/clusters"])
        #expect(entries[0].id > entries[1].id)
    }
}
