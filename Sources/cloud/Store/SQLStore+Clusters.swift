import FleetAPI
import Foundation

extension SQLStore {
    func createCluster(_ cluster: Cluster, kubeconfig: ClusterKubeconfig, audit: AuditEntry?) async throws {
        let values = try records.clusterValues(cluster, kubeconfig: kubeconfig)
        let auditValues = try audit.map(records.auditValues)
        do {
            try await transaction { [dialect, records] db in
                try db.query(
                    "INSERT INTO clusters (id, name, kubeconfig, kubeconfig_source, dns, labels, utilities, create_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    values
                )
                try Self.insertAudit(db, auditValues)
                try Self.insertEvents(db, dialect, records, [.clusterCreated(cluster)])
            }
        } catch let error as any SQLError where error.isUniqueViolation {
            throw StoreRecords.nameTaken(cluster.name)
        }
    }

    func cluster(_ id: String) async throws -> Cluster? {
        try await query("SELECT \(StoreRecords.clusterColumns) FROM clusters WHERE id = $1 AND delete_at = 0", [.text(id)])
            .first.map(records.cluster)
    }

    func cluster(named name: String) async throws -> Cluster? {
        try await query("SELECT \(StoreRecords.clusterColumns) FROM clusters WHERE name = $1 AND delete_at = 0", [.text(name)])
            .first.map(records.cluster)
    }

    func kubeconfig(ofCluster id: String) async throws -> ClusterKubeconfig? {
        try await query("SELECT kubeconfig, kubeconfig_source FROM clusters WHERE id = $1 AND delete_at = 0", [.text(id)])
            .first.map { try records.kubeconfig(text: $0[0], source: $0[1]) }
    }

    func clusters(label: String?, page: Int, perPage: Int) async throws -> [Cluster] {
        // `perPage: Int.max` asks for all of them.
        let (offset, overflow) = page.multipliedReportingOverflow(by: perPage)
        let skipped = overflow ? Int.max : offset
        guard let label else {
            return try await query(
                "SELECT \(StoreRecords.clusterColumns) FROM clusters WHERE delete_at = 0 ORDER BY create_at, id LIMIT $1 OFFSET $2",
                [.integer(Int64(perPage)), .integer(Int64(skipped))]
            ).map(records.cluster)
        }
        let matching = try await clusterSummaries().filter { $0.labels.contains(label) }
        return try await clusters(ids: matching.dropFirst(skipped).prefix(perPage).map(\.id))
    }

    func clusterSummaries() async throws -> [ClusterSummary] {
        let decoder = WireJSON.decoder()
        return try await query("SELECT id, name, labels, dns, kubernetes_version FROM clusters WHERE delete_at = 0 ORDER BY create_at, id").map {
            row in
            ClusterSummary(
                id: row[0].string ?? "",
                name: row[1].string ?? "",
                labels: try decoder.decode([String].self, from: Data((row[2].string ?? "[]").utf8)),
                privateDomain: try row[3].string.map { try decoder.decode(DNSConfig?.self, from: Data($0.utf8)) }??.privateDomain,
                kubernetesVersion: row[4].string
            )
        }
    }

    func clusters(ids: [String]) async throws -> [Cluster] {
        let rows = try await pool.withConnection { db in
            try Self.rows(db, "SELECT \(StoreRecords.clusterColumns) FROM clusters WHERE delete_at = 0 AND id IN", ids)
        }
        let found = Dictionary(uniqueKeysWithValues: try rows.map(records.cluster).map { ($0.id, $0) })
        return ids.compactMap { found[$0] }
    }

    func driftedClusters() async throws -> [Cluster] {
        try await query("SELECT \(StoreRecords.clusterColumns) FROM clusters WHERE drifted > 0 AND delete_at = 0 ORDER BY create_at, id")
            .map(records.cluster)
    }

    func deleteCluster(_ id: String, at time: Int64, audit: AuditEntry?) async throws {
        let auditValues = try audit.map(records.auditValues)
        try await transaction { [dialect, records] db in
            // The row lock also holds back deployments being created for this cluster (their
            // foreign key check waits for it), so none slips in between the count and the delete.
            guard try !db.query("SELECT 1 FROM clusters WHERE id = $1 AND delete_at = 0\(dialect.forUpdate)", [.text(id)]).isEmpty else {
                throw StoreError.notFound("cluster \(id)")
            }
            let busy =
                try db.query(
                    "SELECT COUNT(*) FROM deployments WHERE cluster_id = $1 AND state NOT IN \(StoreRecords.finalStatesSQL)",
                    [.text(id)]
                ).first?.first?.int ?? 0
            guard busy == 0 else { throw StoreRecords.busy(id, busy) }
            try db.query("UPDATE clusters SET delete_at = $1 WHERE id = $2", [.integer(time), .text(id)])
            try Self.insertAudit(db, auditValues)
            try Self.insertEvents(db, dialect, records, [.clusterDeleted(id)])
        }
    }

    func changeLabels(ofCluster id: String, audit: AuditEntry?, _ change: @Sendable (inout [String]) -> Void) async throws -> Cluster {
        let auditValues = try audit.map(records.auditValues)
        return try await transaction { [dialect, records] db in
            let select = "SELECT \(StoreRecords.clusterColumns) FROM clusters WHERE id = $1 AND delete_at = 0\(dialect.forUpdate)"
            guard let row = try db.query(select, [.text(id)]).first else { throw StoreError.notFound("cluster \(id)") }
            var cluster = try records.cluster(row)
            let old = cluster.labels
            change(&cluster.labels)
            try db.query("UPDATE clusters SET labels = $1 WHERE id = $2", [try records.json(cluster.labels), .text(id)])
            try Self.insertAudit(db, auditValues)
            try Self.insertEvents(db, dialect, records, FleetEvent.clusterRelabelled(cluster, from: old).map { [$0] } ?? [])
            return cluster
        }
    }

    func recordKubernetesVersion(ofCluster id: String, _ version: String) async throws -> Bool {
        try await !query(
            """
            UPDATE clusters SET kubernetes_version = $1
            WHERE id = $2 AND delete_at = 0 AND (kubernetes_version IS NULL OR kubernetes_version <> $1) RETURNING id
            """,
            [.text(version), .text(id)]
        ).isEmpty
    }

    func updateUtilities(ofCluster id: String, _ change: UtilitiesChange) async throws {
        try await transaction { [dialect, records] db in
            let events = try changeUtilities(db, id, change)
            try Self.insertEvents(db, dialect, records, events)
        }
    }

    /// Inside the caller's transaction; locks the cluster row. Returns the events of the change,
    /// for the caller to write last.
    func changeUtilities(_ db: any SQLConnection, _ id: String, _ change: (inout UtilityMetadata) -> Void) throws -> [FleetEvent] {
        guard let text = try db.query("SELECT utilities FROM clusters WHERE id = $1\(dialect.forUpdate)", [.text(id)]).first?.first?.string else {
            throw StoreError.notFound("cluster \(id)")
        }
        let before = try records.utilities(text)
        var utilities = before
        change(&utilities)
        guard utilities != before else { return [] }
        try db.query(
            "UPDATE clusters SET utilities = $1, drifted = $2 WHERE id = $3",
            [try records.json(utilities), .integer(Int64(utilities.driftedCount)), .text(id)]
        )
        return FleetEvent.utilitiesChanged(cluster: id, from: before, to: utilities)
    }
}
