import Foundation
import Internal

/// The default store: one SQLite file through libsqlite3.
final class SQLiteStore: Store {
    private let db: SQLiteConnection
    private let records: StoreRecords

    init(path: String, cipher: KubeconfigCipher? = nil) throws {
        db = try SQLiteConnection(path: path)
        records = StoreRecords(cipher: cipher)
        try migrate()
        try sealKubeconfigs()
    }

    /// Brings every stored kubeconfig under the current key; see `StoreRecords.resealed`.
    private func sealKubeconfigs() throws {
        try db.transaction {
            for row in try db.queryInTransaction("SELECT id, kubeconfig FROM clusters WHERE kubeconfig != ''") {
                guard let id = row[0].string, let stored = row[1].string, let sealed = try records.resealed(stored) else { continue }
                try db.queryInTransaction("UPDATE clusters SET kubeconfig = ? WHERE id = ?", [.text(sealed), .text(id)])
            }
        }
    }

    /// Applies missing migrations in order; refuses a database written by a newer cloud server.
    private func migrate() throws {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
        try db.transaction {
            let current = try db.queryInTransaction("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").first?.first?.int ?? 0
            for step in try SQLiteMigrations.pending(after: Int(current)) {
                for statement in SQLiteMigrations.statements(of: step.sql) {
                    try db.queryInTransaction(statement)
                }
                try db.queryInTransaction(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    [.integer(Int64(step.version)), .integer(Date().millisecondsSince1970)])
            }
        }
    }

    // MARK: Clusters

    func createCluster(_ cluster: Cluster, kubeconfig: ClusterKubeconfig, audit: AuditEntry?) async throws {
        do {
            try db.transaction {
                try db.queryInTransaction(
                    "INSERT INTO clusters (id, name, kubeconfig, kubeconfig_source, dns, labels, utilities, create_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    try records.clusterValues(cluster, kubeconfig: kubeconfig))
                try insertAudit(audit)
            }
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw StoreRecords.nameTaken(cluster.name)
        }
    }

    func cluster(_ id: String) async throws -> Cluster? {
        try db.query("SELECT \(StoreRecords.clusterColumns) FROM clusters WHERE id = ? AND delete_at = 0", [.text(id)])
            .first.map(records.cluster)
    }

    func kubeconfig(ofCluster id: String) async throws -> ClusterKubeconfig? {
        try db.query("SELECT kubeconfig, kubeconfig_source FROM clusters WHERE id = ? AND delete_at = 0", [.text(id)])
            .first.map { try records.kubeconfig(text: $0[0], source: $0[1]) }
    }

    func clusters(label: String?, page: Int, perPage: Int) async throws -> [Cluster] {
        let rows = try db.query("SELECT \(StoreRecords.clusterColumns) FROM clusters WHERE delete_at = 0 ORDER BY create_at, id")
        return StoreRecords.page(try rows.map(records.cluster), label: label, page: page, perPage: perPage)
    }

    func deleteCluster(_ id: String, at time: Int64, audit: AuditEntry?) async throws {
        try db.transaction {
            guard try !db.queryInTransaction("SELECT 1 FROM clusters WHERE id = ? AND delete_at = 0", [.text(id)]).isEmpty else {
                throw StoreError.notFound("cluster \(id)")
            }
            let busy = try db.queryInTransaction(
                "SELECT COUNT(*) FROM deployments WHERE cluster_id = ? AND state NOT IN \(StoreRecords.finalStatesSQL)",
                [.text(id)]).first?.first?.int ?? 0
            guard busy == 0 else { throw StoreRecords.busy(id, busy) }
            try db.queryInTransaction("UPDATE clusters SET delete_at = ? WHERE id = ?", [.integer(time), .text(id)])
            try insertAudit(audit)
        }
    }

    func updateUtilities(ofCluster id: String, _ change: @Sendable (inout UtilityMetadata) -> Void) async throws {
        try db.transaction { try changeUtilities(id, change) }
    }

    private func changeUtilities(_ id: String, _ change: (inout UtilityMetadata) -> Void) throws {
        guard let text = try db.queryInTransaction("SELECT utilities FROM clusters WHERE id = ?", [.text(id)]).first?.first?.string else {
            throw StoreError.notFound("cluster \(id)")
        }
        var utilities = try records.utilities(text)
        change(&utilities)
        try db.queryInTransaction("UPDATE clusters SET utilities = ? WHERE id = ?", [try records.json(utilities), .text(id)])
    }

    // MARK: Deployments

    func createDeployments(
        _ deployments: [Deployment], desiredVersions: (cluster: String, versions: [String: UtilityVersion?])?, audit: AuditEntry?
    ) async throws {
        try db.transaction {
            for deployment in deployments {
                try db.queryInTransaction(
                    "INSERT INTO deployments (id, cluster_id, service, body, state, provisioner, create_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    try records.deploymentValues(deployment))
            }
            if let desiredVersions {
                try changeUtilities(desiredVersions.cluster) { utilities in
                    utilities.desiredVersions.merge(desiredVersions.versions) { $1 }
                }
            }
            try insertAudit(audit)
        }
    }

    func deployment(_ id: String) async throws -> Deployment? {
        try db.query("SELECT body FROM deployments WHERE id = ?", [.text(id)]).first.map(records.deployment)
    }

    func deployments(_ filter: DeploymentFilter, page: Int, perPage: Int) async throws -> [Deployment] {
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        if let cluster = filter.cluster { conditions.append("cluster_id = ?"); parameters.append(.text(cluster)) }
        if let service = filter.service { conditions.append("service = ?"); parameters.append(.text(service.rawValue)) }
        if let state = filter.state { conditions.append("state = ?"); parameters.append(.text(state.rawValue)) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        parameters += [.integer(Int64(perPage)), .integer(Int64(page * perPage))]
        return try db.query("SELECT body FROM deployments \(whereClause) ORDER BY create_at, id LIMIT ? OFFSET ?", parameters)
            .map(records.deployment)
    }

    @discardableResult
    func updateDeployment(
        _ id: String, audit: AuditEntry?, _ change: @Sendable (inout Deployment) throws -> Void
    ) async throws -> Deployment {
        // BEGIN IMMEDIATE takes the write lock before the read, so no other writer can slip in between.
        try db.transaction {
            guard let row = try db.queryInTransaction("SELECT body FROM deployments WHERE id = ?", [.text(id)]).first else {
                throw StoreError.notFound("deployment \(id)")
            }
            var deployment = try records.deployment(row)
            try change(&deployment)
            try db.queryInTransaction(
                "UPDATE deployments SET body = ?, state = ?, provisioner = ? WHERE id = ?",
                try records.deploymentUpdate(deployment) + [.text(id)])
            try insertAudit(audit)
            return deployment
        }
    }

    func activeDeployments() async throws -> [Deployment] {
        try db.query("SELECT body FROM deployments WHERE state IN \(StoreRecords.activeStatesSQL) ORDER BY create_at")
            .map(records.deployment)
    }

    func dispatchableDeployments(now: Int64) async throws -> [Deployment] {
        let candidates = try db.query("""
            SELECT body FROM deployments AS d
            WHERE state = 'requested'
              AND NOT EXISTS (SELECT 1 FROM deployments AS a WHERE a.cluster_id = d.cluster_id AND a.service = d.service
                              AND a.state IN \(StoreRecords.activeStatesSQL))
            ORDER BY create_at, id
            """).map(records.deployment)
        return StoreRecords.dispatchable(candidates, now: now)
    }

    func claimLeases(owner: String, now: Int64, until: Int64, renew: Bool) async throws -> Set<String> {
        let rows = try db.query("""
            UPDATE deployments SET lease_owner = ?, lease_expires = ?
            WHERE state IN \(StoreRecords.unfinishedStatesSQL)
              AND (lease_owner IS NULL OR lease_expires < ?\(renew ? " OR lease_owner = ?" : ""))
            RETURNING id
            """, [.text(owner), .integer(until), .integer(now)] + (renew ? [.text(owner)] : []))
        return Set(rows.compactMap { $0.first?.string })
    }

    func releaseLeases(owner: String) async throws {
        try db.query("UPDATE deployments SET lease_owner = NULL, lease_expires = 0 WHERE lease_owner = ?", [.text(owner)])
    }

    // MARK: Audit

    /// Inside the caller's transaction.
    private func insertAudit(_ entry: AuditEntry?) throws {
        guard let entry else { return }
        try db.queryInTransaction("INSERT INTO audit (\(StoreRecords.auditInsertColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)", try records.auditValues(entry))
    }

    func recordAudit(_ entry: AuditEntry) async throws {
        try db.query("INSERT INTO audit (\(StoreRecords.auditInsertColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)", try records.auditValues(entry))
    }

    func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] {
        let (sql, parameters) = StoreRecords.auditListing(query) { _ in "?" }
        return try db.query(sql, parameters).map(records.auditEntry)
    }

    func pruneAudit(before time: Int64) async throws -> Int {
        try db.query(StoreRecords.auditPruning(placeholder: "?"), [.integer(time)]).count
    }
}
