import Foundation
import Internal

/// The store for several cloud servers sharing one database: PostgreSQL through libpq.
///
/// Same semantics as SQLiteStore. SQLite serializes writers with BEGIN IMMEDIATE; here other
/// transactions run alongside, so every read that is then written locks its row (FOR UPDATE), and
/// transactions that lock a cluster row do so before anything else touches it, so two of them never
/// wait on each other.
final class PostgresStore: Store {
    private let pool: PostgresPool
    private let records: StoreRecords

    /// Connects, migrates and seals kubeconfigs before returning, so a bad URL, an unreachable
    /// server, a too-new schema or a missing key stops the server at start-up.
    init(url: String, cipher: KubeconfigCipher? = nil, connections: Int = 4) async throws {
        pool = PostgresPool(url: url, size: connections)
        records = StoreRecords(cipher: cipher)
        try await pool.withConnection { [records] db in
            try Self.migrate(db)
            try Self.sealKubeconfigs(db, records)
        }
    }

    /// Applies missing migrations in order; refuses a database written by a newer cloud server.
    private static func migrate(_ db: PostgresConnection) throws {
        try db.transaction {
            // Servers starting together take turns: the first migrates, the rest find nothing to do.
            try db.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))")
            try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)")
            let current = try db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").first?.first?.int ?? 0
            for step in try PostgresMigrations.pending(after: Int(current)) {
                try db.execute(step.sql)
                try db.query(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                    [.integer(Int64(step.version)), .integer(Date().millisecondsSince1970)])
            }
        }
    }

    /// Brings every stored kubeconfig under the current key; see `StoreRecords.resealed`.
    private static func sealKubeconfigs(_ db: PostgresConnection, _ records: StoreRecords) throws {
        try db.transaction {
            // In id order, so two servers rotating at once lock rows in the same order.
            for row in try db.query("SELECT id, kubeconfig FROM clusters WHERE kubeconfig != '' ORDER BY id FOR UPDATE") {
                guard let id = row[0].string, let stored = row[1].string, let sealed = try records.resealed(stored) else { continue }
                try db.query("UPDATE clusters SET kubeconfig = $1 WHERE id = $2", [.text(sealed), .text(id)])
            }
        }
    }

    // MARK: Clusters

    func createCluster(_ cluster: Cluster, kubeconfig: ClusterKubeconfig, audit: AuditEntry?) async throws {
        let values = try records.clusterValues(cluster, kubeconfig: kubeconfig)
        let auditValues = try audit.map(records.auditValues)
        do {
            try await pool.withConnection { db in
                try db.transaction {
                    try db.query(
                        "INSERT INTO clusters (id, name, kubeconfig, kubeconfig_source, dns, labels, utilities, create_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        values)
                    try Self.insertAudit(db, auditValues)
                }
            }
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreRecords.nameTaken(cluster.name)
        }
    }

    func cluster(_ id: String) async throws -> Cluster? {
        try await pool.withConnection { db in
            try db.query("SELECT \(StoreRecords.clusterColumns) FROM clusters WHERE id = $1 AND delete_at = 0", [.text(id)])
        }.first.map(records.cluster)
    }

    func kubeconfig(ofCluster id: String) async throws -> ClusterKubeconfig? {
        try await pool.withConnection { db in
            try db.query("SELECT kubeconfig, kubeconfig_source FROM clusters WHERE id = $1 AND delete_at = 0", [.text(id)])
        }.first.map { try records.kubeconfig(text: $0[0], source: $0[1]) }
    }

    func clusters(label: String?, page: Int, perPage: Int) async throws -> [Cluster] {
        let rows = try await pool.withConnection { db in
            try db.query("SELECT \(StoreRecords.clusterColumns) FROM clusters WHERE delete_at = 0 ORDER BY create_at, id")
        }
        return StoreRecords.page(try rows.map(records.cluster), label: label, page: page, perPage: perPage)
    }

    func deleteCluster(_ id: String, at time: Int64, audit: AuditEntry?) async throws {
        let auditValues = try audit.map(records.auditValues)
        try await pool.withConnection { db in
            try db.transaction {
                // The row lock also holds back deployments being created for this cluster (their
                // foreign key check waits for it), so none slips in between the count and the delete.
                guard try !db.query("SELECT 1 FROM clusters WHERE id = $1 AND delete_at = 0 FOR UPDATE", [.text(id)]).isEmpty else {
                    throw StoreError.notFound("cluster \(id)")
                }
                let busy = try db.query(
                    "SELECT COUNT(*) FROM deployments WHERE cluster_id = $1 AND state NOT IN \(StoreRecords.finalStatesSQL)",
                    [.text(id)]).first?.first?.int ?? 0
                guard busy == 0 else { throw StoreRecords.busy(id, busy) }
                try db.query("UPDATE clusters SET delete_at = $1 WHERE id = $2", [.integer(time), .text(id)])
                try Self.insertAudit(db, auditValues)
            }
        }
    }

    func updateUtilities(ofCluster id: String, _ change: @Sendable (inout UtilityMetadata) -> Void) async throws {
        try await pool.withConnection { db in
            try db.transaction { try changeUtilities(db, id, change) }
        }
    }

    private func changeUtilities(_ db: PostgresConnection, _ id: String, _ change: (inout UtilityMetadata) -> Void) throws {
        guard let text = try db.query("SELECT utilities FROM clusters WHERE id = $1 FOR UPDATE", [.text(id)]).first?.first?.string else {
            throw StoreError.notFound("cluster \(id)")
        }
        var utilities = try records.utilities(text)
        change(&utilities)
        try db.query("UPDATE clusters SET utilities = $1 WHERE id = $2", [try records.json(utilities), .text(id)])
    }

    // MARK: Deployments

    func createDeployments(
        _ deployments: [Deployment], desiredVersions: (cluster: String, versions: [String: UtilityVersion?])?, audit: AuditEntry?
    ) async throws {
        let rows = try deployments.map(records.deploymentValues)
        let auditValues = try audit.map(records.auditValues)
        try await pool.withConnection { db in
            try db.transaction {
                // The cluster row first: each insert's foreign key check share-locks it, and two
                // transactions upgrading a shared lock to FOR UPDATE would deadlock.
                if let desiredVersions {
                    try changeUtilities(db, desiredVersions.cluster) { utilities in
                        utilities.desiredVersions.merge(desiredVersions.versions) { $1 }
                    }
                }
                for row in rows {
                    try db.query(
                        "INSERT INTO deployments (id, cluster_id, service, body, state, provisioner, create_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        row)
                }
                try Self.insertAudit(db, auditValues)
            }
        }
    }

    func deployment(_ id: String) async throws -> Deployment? {
        try await pool.withConnection { db in
            try db.query("SELECT body FROM deployments WHERE id = $1", [.text(id)])
        }.first.map(records.deployment)
    }

    func deployments(_ filter: DeploymentFilter, page: Int, perPage: Int) async throws -> [Deployment] {
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        func bind(_ column: String, _ value: String?) {
            guard let value else { return }
            parameters.append(.text(value))
            conditions.append("\(column) = $\(parameters.count)")
        }
        bind("cluster_id", filter.cluster)
        bind("service", filter.service?.rawValue)
        bind("state", filter.state?.rawValue)
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        parameters += [.integer(Int64(perPage)), .integer(Int64(page * perPage))]
        let sql = "SELECT body FROM deployments \(whereClause) ORDER BY create_at, id LIMIT $\(parameters.count - 1) OFFSET $\(parameters.count)"
        return try await pool.withConnection { [parameters] db in try db.query(sql, parameters) }.map(records.deployment)
    }

    @discardableResult
    func updateDeployment(
        _ id: String, audit: AuditEntry?, _ change: @Sendable (inout Deployment) throws -> Void
    ) async throws -> Deployment {
        let auditValues = try audit.map(records.auditValues)
        return try await pool.withConnection { db in
            try db.transaction {
                // FOR UPDATE: a concurrent update (this server or another) waits here until this
                // one commits, then reads what it wrote.
                guard let row = try db.query("SELECT body FROM deployments WHERE id = $1 FOR UPDATE", [.text(id)]).first else {
                    throw StoreError.notFound("deployment \(id)")
                }
                var deployment = try records.deployment(row)
                try change(&deployment)
                try db.query(
                    "UPDATE deployments SET body = $1, state = $2, provisioner = $3 WHERE id = $4",
                    try records.deploymentUpdate(deployment) + [.text(id)])
                try Self.insertAudit(db, auditValues)
                return deployment
            }
        }
    }

    func activeDeployments() async throws -> [Deployment] {
        try await pool.withConnection { db in
            try db.query("SELECT body FROM deployments WHERE state IN \(StoreRecords.activeStatesSQL) ORDER BY create_at, id")
        }.map(records.deployment)
    }

    func dispatchableDeployments(now: Int64) async throws -> [Deployment] {
        let candidates = try await pool.withConnection { db in
            try db.query("""
                SELECT body FROM deployments AS d
                WHERE state = 'requested'
                  AND NOT EXISTS (SELECT 1 FROM deployments AS a WHERE a.cluster_id = d.cluster_id AND a.service = d.service
                                  AND a.state IN \(StoreRecords.activeStatesSQL))
                ORDER BY create_at, id
                """)
        }.map(records.deployment)
        return StoreRecords.dispatchable(candidates, now: now)
    }

    /// SKIP LOCKED: rows another server is claiming or updating right now are left to it this
    /// time instead of waited for.
    func claimLeases(owner: String, now: Int64, until: Int64, renew: Bool) async throws -> Set<String> {
        let rows = try await pool.withConnection { db in
            try db.query("""
                UPDATE deployments SET lease_owner = $1, lease_expires = $2
                WHERE id IN (
                    SELECT id FROM deployments
                    WHERE state IN \(StoreRecords.unfinishedStatesSQL)
                      AND (lease_owner IS NULL OR lease_expires < $3\(renew ? " OR lease_owner = $1" : ""))
                    FOR UPDATE SKIP LOCKED)
                RETURNING id
                """, [.text(owner), .integer(until), .integer(now)])
        }
        return Set(rows.compactMap { $0.first?.string })
    }

    func releaseLeases(owner: String) async throws {
        try await pool.withConnection { db in
            try db.query("UPDATE deployments SET lease_owner = NULL, lease_expires = 0 WHERE lease_owner = $1", [.text(owner)])
        }
    }

    // MARK: Audit

    private static let insertAuditSQL = "INSERT INTO audit (\(StoreRecords.auditInsertColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7)"

    /// Inside the caller's transaction.
    private static func insertAudit(_ db: PostgresConnection, _ values: [SQLValue]?) throws {
        guard let values else { return }
        try db.query(insertAuditSQL, values)
    }

    func recordAudit(_ entry: AuditEntry) async throws {
        let values = try records.auditValues(entry)
        try await pool.withConnection { db in try db.query(Self.insertAuditSQL, values) }
    }

    func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] {
        let (sql, parameters) = StoreRecords.auditListing(query) { "$\($0)" }
        return try await pool.withConnection { db in try db.query(sql, parameters) }.map(records.auditEntry)
    }

    func pruneAudit(before time: Int64) async throws -> Int {
        try await pool.withConnection { db in try db.query(StoreRecords.auditPruning(placeholder: "$1"), [.integer(time)]) }.count
    }
}
