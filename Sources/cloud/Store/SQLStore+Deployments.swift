import FleetAPI

extension SQLStore {
    func createDeployments(
        _ deployments: [Deployment],
        desiredVersions: (cluster: String, versions: [String: UtilityVersion?])?,
        audit: AuditEntry?,
        profileTargets: [ProfileTargetChange]
    ) async throws {
        let rows = try deployments.map(records.deploymentValues)
        let targets = try Self.profileTargetWrites(records, profileTargets)
        let auditValues = try audit.map(records.auditValues)
        try await transaction { [dialect, records] db in
            // The cluster row first: each insert's foreign key check share-locks it, and two
            // PostgreSQL transactions upgrading a shared lock to FOR UPDATE would deadlock.
            var events: [FleetEvent] = []
            if let desiredVersions {
                events += try changeUtilities(db, desiredVersions.cluster) { utilities in
                    utilities.desiredVersions.merge(desiredVersions.versions) { $1 }
                }
            }
            for row in rows {
                try db.query(
                    StoreRecords.insertDeployment,
                    row
                )
            }
            try Self.writeProfileTargets(db, targets)
            try Self.insertAudit(db, auditValues)
            try Self.insertEvents(db, dialect, records, deployments.map(FleetEvent.deploymentCreated) + events)
        }
    }

    func deployment(_ id: String) async throws -> Deployment? {
        try await query("SELECT body FROM deployments WHERE id = $1", [.text(id)]).first.map(records.deployment)
    }

    func deploymentDocument(_ id: String) async throws -> DeploymentDocument? {
        try await query("SELECT body, state FROM deployments WHERE id = $1", [.text(id)]).first.map(records.deploymentDocument)
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
        switch filter.actions {
        case .all: break
        case .only(let actions):
            parameters += actions.map { .text($0.rawValue) }
            conditions.append("action IN (\((parameters.count - actions.count + 1...parameters.count).map { "$\($0)" }.joined(separator: ", ")))")
        case .changes: conditions.append(StoreRecords.changesOnlySQL)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        parameters += [.integer(Int64(perPage)), .integer(Int64(page * perPage))]
        let sql = "SELECT body FROM deployments \(whereClause) ORDER BY create_at, id LIMIT $\(parameters.count - 1) OFFSET $\(parameters.count)"
        return try await query(sql, parameters).map(records.deployment)
    }

    @discardableResult
    func updateDeployment(
        _ id: String,
        audit: AuditEntry?,
        _ change: @Sendable (inout Deployment) throws -> UtilitiesChange?
    ) async throws -> Deployment {
        let auditValues = try audit.map(records.auditValues)
        return try await transaction { [dialect, records] db in
            // A concurrent update (this server or another) waits until this one commits, then reads
            // what it wrote: SQLite's BEGIN IMMEDIATE, PostgreSQL's row lock.
            guard let row = try db.query("SELECT body FROM deployments WHERE id = $1\(dialect.forUpdate)", [.text(id)]).first else {
                throw StoreError.notFound("deployment \(id)")
            }
            let before = try records.deployment(row)
            var deployment = before
            let utilitiesChange = try change(&deployment)
            try db.query(
                "UPDATE deployments SET body = $1, state = $2, provisioner = $3 WHERE id = $4",
                try records.deploymentUpdate(deployment) + [.text(id)]
            )
            // The cluster row after the deployment's: no transaction locks the two the other way round.
            let utilitiesEvents = try utilitiesChange.map { try changeUtilities(db, deployment.clusterID, $0) } ?? []
            try Self.insertAudit(db, auditValues)
            let changed = FleetEvent.deploymentChanged(from: before, to: deployment).map { [$0] } ?? []
            try Self.insertEvents(db, dialect, records, changed + utilitiesEvents)
            return deployment
        }
    }

    func lastApplied(cluster: String, services: [ServiceName]) async throws -> [ServiceName: Deployment] {
        try await transaction { db in
            var found: [ServiceName: Deployment] = [:]
            for service in services { found[service] = try Self.lastApplied(db, records, clusters: [cluster], service: service)[cluster] }
            return found
        }
    }

    /// Per cluster, its last successful apply of `service`, inside the caller's transaction. The
    /// action is in the body, so the newest succeeded rows are read until an apply is found.
    static func lastApplied(
        _ db: any SQLConnection,
        _ records: StoreRecords,
        clusters: [String],
        service: ServiceName
    ) throws -> [String: Deployment] {
        var found: [String: Deployment] = [:]
        for cluster in clusters {
            let rows = try db.query(
                "SELECT body FROM deployments WHERE cluster_id = $1 AND service = $2 AND state = 'succeeded' ORDER BY create_at DESC, id DESC",
                [.text(cluster), .text(service.rawValue)]
            )
            for row in rows {
                let deployment = try records.deployment(row)
                if deployment.action == .apply {
                    found[cluster] = deployment
                    break
                }
            }
        }
        return found
    }

    func busyUtilities(cluster: String) async throws -> Set<ServiceName> {
        let rows = try await query(
            """
            SELECT service FROM deployments WHERE cluster_id = $1 AND state IN \(StoreRecords.unfinishedStatesSQL)
            UNION
            SELECT service FROM rollout_targets WHERE cluster_id = $1 AND active = 1
            """,
            [.text(cluster)]
        )
        return Set(rows.compactMap { row in row.first?.string.map { ServiceName($0) } })
    }

    func activeDeployments() async throws -> [Deployment] {
        try await query("SELECT body FROM deployments WHERE state IN \(StoreRecords.activeStatesSQL) ORDER BY create_at, id")
            .map(records.deployment)
    }

    func dispatchableDeployments(now: Int64) async throws -> [Deployment] {
        let candidates = try await query(
            """
            SELECT body FROM deployments AS d
            WHERE state = 'requested'
              AND NOT EXISTS (SELECT 1 FROM deployments AS a WHERE a.cluster_id = d.cluster_id AND a.service = d.service
                              AND a.state IN \(StoreRecords.activeStatesSQL))
            ORDER BY create_at, id
            """
        ).map(records.deployment)
        return StoreRecords.dispatchable(candidates, now: now)
    }

    /// On PostgreSQL, rows another server is claiming or updating right now are left to it this
    /// time instead of waited for (`dialect.skipLocked`).
    func claimLeases(owner: String, now: Int64, until: Int64, renew: Bool) async throws -> Set<String> {
        let rows = try await query(
            """
            UPDATE deployments SET lease_owner = $1, lease_expires = $2
            WHERE id IN (
                SELECT id FROM deployments
                WHERE state IN \(StoreRecords.unfinishedStatesSQL)
                  AND (lease_owner IS NULL OR lease_expires < $3\(renew ? " OR lease_owner = $1" : ""))\(dialect.skipLocked))
            RETURNING id
            """,
            [.text(owner), .integer(until), .integer(now)]
        )
        return Set(rows.compactMap { $0.first?.string })
    }

    func releaseLeases(owner: String) async throws {
        try await query("UPDATE deployments SET lease_owner = NULL, lease_expires = 0 WHERE lease_owner = $1", [.text(owner)])
    }
}
