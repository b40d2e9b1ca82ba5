import FleetAPI
import Foundation

extension SQLStore {
    func createRollout(_ rollout: Rollout, audit: AuditEntry?, profileTargets: [ProfileTargetChange]) async throws {
        let auditValues = try audit.map(records.auditValues)
        let targets = try Self.profileTargetWrites(records, profileTargets)
        do {
            try await transaction { [dialect, records, rollouts] db in
                if let holder = try Self.activeRollout(db, service: rollout.service, clusters: rollout.clusters.map(\.clusterID)) {
                    throw Self.overlap(holder, rollout.service)
                }
                try Self.insertRolloutAndTargets(db, records, rollouts, rollout)
                try Self.writeProfileTargets(db, targets)
                try Self.insertAudit(db, auditValues)
                try Self.insertEvents(db, dialect, records, [.rolloutCreated(rollout)])
            }
        } catch let error as any SQLError where error.isUniqueViolation {
            // Another server's rollout of the same pairs committed between the check and the insert.
            let holder = try await transaction { db in
                try Self.activeRollout(db, service: rollout.service, clusters: rollout.clusters.map(\.clusterID))
            }
            throw Self.overlap(holder ?? "another rollout", rollout.service)
        }
    }

    /// A new rollout with its rows, holding its (cluster, service) pairs while it is unfinished.
    private static func insertRolloutAndTargets(
        _ db: any SQLConnection,
        _ records: StoreRecords,
        _ known: RolloutDocuments,
        _ rollout: Rollout
    ) throws {
        try insertRollout(db, records, known, rollout)
        for cluster in rollout.clusters {
            try db.query(
                "INSERT INTO rollout_targets (rollout_id, cluster_id, service, active) VALUES ($1, $2, $3, 1)",
                [.text(rollout.id), .text(cluster.clusterID), .text(rollout.service.rawValue)]
            )
        }
    }

    func rollout(_ id: String) async throws -> Rollout? {
        try await pool.withConnection { [records, rollouts] db in
            try db.query("SELECT \(Self.rolloutColumns) FROM rollouts WHERE id = $1", [.text(id)]).first.map {
                try Self.rollout(db, records, rollouts, row: $0)
            }
        }
    }

    func rollouts(state: RolloutState?, page: Int, perPage: Int) async throws -> [Rollout] {
        var parameters: [SQLValue] = [.integer(Int64(perPage)), .integer(Int64(page * perPage))]
        var condition = ""
        if let state {
            parameters.append(.text(state.rawValue))
            condition = "WHERE state = $3"
        }
        return try await pool.withConnection { [records, rollouts] db in
            try db.query("SELECT \(Self.rolloutColumns) FROM rollouts \(condition) ORDER BY create_at DESC, id LIMIT $1 OFFSET $2", parameters)
                .map { try Self.rollout(db, records, rollouts, row: $0) }
        }
    }

    func unfinishedRollouts() async throws -> [String] {
        let ids = try await query("SELECT id FROM rollouts WHERE state IN \(StoreRecords.unfinishedRolloutStatesSQL) ORDER BY create_at, id")
            .compactMap { $0.first?.string }
        rollouts.keep(only: Set(ids))
        return ids
    }

    @discardableResult
    func updateRollout(
        _ id: String,
        gatheringFacts: Bool,
        audit: AuditEntry?,
        _ change: @Sendable (inout Rollout, RolloutFacts) throws -> RolloutWrites
    ) async throws -> Rollout {
        let auditValues = try audit.map(records.auditValues)
        return try await transaction { [dialect, records, rollouts] db in
            // Servers advancing the same rollout take turns here; the second reads what the first wrote.
            guard let row = try db.query("SELECT \(Self.rolloutColumns) FROM rollouts WHERE id = $1\(dialect.forUpdate)", [.text(id)]).first else {
                throw StoreError.notFound("rollout \(id)")
            }
            let before = try Self.rollout(db, records, rollouts, row: row)
            var rollout = before
            let facts = gatheringFacts ? try facts(db, for: rollout) : RolloutFacts()
            let writes = try change(&rollout, facts)
            // Cluster rows first, in ID order: the inserts' foreign key checks share-lock them, and
            // a fixed order keeps two such transactions from waiting on each other.
            var events: [FleetEvent] = []
            for (cluster, version) in writes.desiredVersions.sorted(by: { $0.key < $1.key }) {
                events += try changeUtilities(db, cluster) { $0.desiredVersions[rollout.service.rawValue] = .some(version) }
            }
            for deployment in writes.deployments {
                try db.query(
                    StoreRecords.insertDeployment,
                    try records.deploymentValues(deployment)
                )
            }
            try Self.writeRollout(db, records, rollouts, from: before, to: rollout)
            if rollout.state.isFinal {
                try db.query("UPDATE rollout_targets SET active = 0 WHERE rollout_id = $1", [.text(id)])
            }
            // After the targets above are released: an undo holds the same clusters.
            for undo in writes.rollouts { try Self.insertRolloutAndTargets(db, records, rollouts, undo) }
            try Self.writeProfileTargets(db, try Self.profileTargetWrites(records, writes.profileTargets))
            try Self.insertAudit(db, auditValues)
            let changed = FleetEvent.rolloutChanged(from: before, to: rollout) + writes.rollouts.map(FleetEvent.rolloutCreated)
            try Self.insertEvents(db, dialect, records, writes.deployments.map(FleetEvent.deploymentCreated) + events + changed)
            return rollout
        }
    }

    /// What the lifecycle decides from: the deployments of running clusters and, when the next
    /// wave may start (the rollout runs and none of its deployments is unfinished), whether the
    /// clusters of the current and next waves still exist, what they run and with which values.
    private func facts(_ db: any SQLConnection, for rollout: Rollout) throws -> RolloutFacts {
        var facts = RolloutFacts()
        let running = rollout.clusters.compactMap { $0.state == .running ? $0.deploymentID : nil }
        // Only an ended deployment's document is read, for its error or the chart it installed.
        let ended = [CloudDeploymentState.failed, .succeeded].map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let outcomes = "SELECT id, state, CASE WHEN state IN (\(ended)) THEN body END FROM deployments WHERE id IN"
        for row in try Self.rows(db, outcomes, running) {
            guard let id = row[0].string, let state = row[1].string.flatMap(CloudDeploymentState.init(rawValue:)) else { continue }
            let deployment = try row[2].string.map { try records.decode(Deployment.self, json: $0) }
            facts.deployments[id] = RolloutFacts.Outcome(state: state, error: deployment?.error, chartDigest: deployment?.chartDigest)
        }
        if rollout.state == .halted, rollout.strategy.analysis?.onFailure == .undo, rollout.undoneBy == nil {
            let rows = try Self.rows(
                db,
                "SELECT body FROM profile_targets WHERE service = $1 AND cluster_id IN",
                rollout.clusters.map(\.clusterID),
                after: [.text(rollout.service.rawValue)]
            )
            facts.profileTargets = try rows.compactMap { row in
                try row[0].string.map { try JSONDecoder().decode(ProfileTarget.self, from: Data($0.utf8)) }
            }.filter { $0.rolloutID == rollout.id }
        }
        guard rollout.state == .running, facts.deployments.values.allSatisfy(\.state.isFinal) else { return facts }
        let upcoming = rollout.clusters.filter { $0.state == .waiting && $0.wave <= rollout.wave + 1 }.map(\.clusterID)
        let live = try Self.rows(db, "SELECT \(StoreRecords.clusterColumns) FROM clusters WHERE delete_at = 0 AND id IN", upcoming)
        let clusters = Dictionary(uniqueKeysWithValues: try live.map(records.cluster).map { ($0.id, $0) })
        facts.clusters = clusters
        facts.lastApplied = try Self.lastApplied(db, records, clusters: Array(clusters.keys), service: rollout.service)
        return facts
    }

    /// The active rollout that already targets one of these clusters for the service.
    private static func activeRollout(_ db: any SQLConnection, service: ServiceName, clusters: [String]) throws -> String? {
        try rows(
            db,
            "SELECT rollout_id FROM rollout_targets WHERE active = 1 AND service = $1 AND cluster_id IN",
            clusters,
            after: [.text(service.rawValue)]
        ).first?.first?.string
    }

    private static func overlap(_ holder: String, _ service: ServiceName) -> StoreError {
        .conflict("rollout \(holder) is still active on some of these clusters for \(service); wait for it, or cancel it")
    }
}
