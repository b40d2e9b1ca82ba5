import FleetAPI

/// How a rollout is kept (migration 8): a small document in `rollouts.body` (state, strategy, wave
/// and the rest), its waves written once, one row per cluster and one per history entry. A write
/// changes only the rows that changed, so one cluster's step costs the same in a fleet of ten or
/// ten thousand; when the whole rollout was one document, rewriting it took a fifth of the cloud
/// server's CPU in a 1,000-cluster rollout (bench/where-the-time-goes.md). Every write leaves a new
/// `revision`, so a copy read at that revision (`RolloutDocuments`) is still the stored rollout.
extension SQLStore {
    /// The columns `rollout(_:_:_:row:)` reads.
    static let rolloutColumns = "id, body, waves, revision"

    /// The rollout stored in `row` (`rolloutColumns`): the copy known at its revision, or else its
    /// rows read afresh (and remembered while it is unfinished). Outside a lock another server may
    /// write between the reads; the revision read again says so, and the rollout is read again.
    static func rollout(_ db: any SQLConnection, _ records: StoreRecords, _ known: RolloutDocuments, row: [SQLValue]) throws -> Rollout {
        var row = row
        while true {
            guard let id = row[0].string, let body = row[1].string else { throw StoreError.notFound("rollout") }
            let revision = row[3].string ?? ""
            if let rollout = known.rollout(id, revision: revision) { return rollout }
            var rollout = try records.rollout(json: body)
            rollout.waves = try records.decode([[String]].self, json: row[2].string)
            // Decoded as one array, as the single document was, rather than one decoder set up per row.
            let clusters = try db.query("SELECT body FROM rollout_clusters WHERE rollout_id = $1 ORDER BY ordinal", [.text(id)])
            rollout.clusters = try records.decode([RolloutCluster].self, json: Self.array(clusters))
            let history = try db.query("SELECT body FROM rollout_history WHERE rollout_id = $1 ORDER BY ordinal", [.text(id)])
            rollout.history = try records.decode([RolloutHistoryEntry].self, json: Self.array(history))
            guard let now = try db.query("SELECT \(rolloutColumns) FROM rollouts WHERE id = $1", [.text(id)]).first else {
                throw StoreError.notFound("rollout \(id)")
            }
            guard now[3].string ?? "" != revision else {
                known.remember(id, revision: revision, rollout)
                return rollout
            }
            row = now
        }
    }

    /// The rows' JSON documents (first column) as one JSON array.
    static func array(_ rows: [[SQLValue]]) -> String {
        "[" + rows.map { $0[0].string ?? "null" }.joined(separator: ",") + "]"
    }

    /// A new rollout, all its rows.
    static func insertRollout(_ db: any SQLConnection, _ records: StoreRecords, _ known: RolloutDocuments, _ rollout: Rollout) throws {
        let revision = ID.make()
        try db.query(
            "INSERT INTO rollouts (id, service, state, body, waves, revision, create_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                .text(rollout.id), .text(rollout.service.rawValue), .text(rollout.state.rawValue), try records.json(rollout.document),
                try records.json(rollout.waves), .text(revision), .integer(rollout.createAt),
            ]
        )
        try insertRows(db, records, rollout, clustersFrom: 0, historyFrom: 0)
        known.remember(rollout.id, revision: revision, rollout)
    }

    /// Writes what changed from `before` (the rollout as stored) to `after`. The lifecycle never
    /// reorders a rollout's clusters and only appends to its history; anything else is written whole.
    static func writeRollout(
        _ db: any SQLConnection,
        _ records: StoreRecords,
        _ known: RolloutDocuments,
        from before: Rollout,
        to after: Rollout
    ) throws {
        let revision = ID.make()
        let id = SQLValue.text(after.id)
        try db.query(
            "UPDATE rollouts SET body = $1, state = $2, revision = $3 WHERE id = $4",
            [try records.json(after.document), .text(after.state.rawValue), .text(revision), id]
        )
        let appended = after.clusters.count == before.clusters.count && after.history.starts(with: before.history)
        if appended {
            for (index, cluster) in after.clusters.enumerated() where cluster != before.clusters[index] {
                try db.query(
                    "UPDATE rollout_clusters SET body = $1 WHERE rollout_id = $2 AND ordinal = $3",
                    [try records.json(cluster), id, .integer(Int64(index))]
                )
            }
            try insertRows(db, records, after, clustersFrom: after.clusters.count, historyFrom: before.history.count)
        } else {
            try db.query("DELETE FROM rollout_clusters WHERE rollout_id = $1", [id])
            try db.query("DELETE FROM rollout_history WHERE rollout_id = $1", [id])
            try insertRows(db, records, after, clustersFrom: 0, historyFrom: 0)
        }
        known.remember(after.id, revision: revision, after)
    }

    private static func insertRows(_ db: any SQLConnection, _ records: StoreRecords, _ rollout: Rollout, clustersFrom: Int, historyFrom: Int) throws {
        let id = SQLValue.text(rollout.id)
        for index in rollout.clusters.indices.dropFirst(clustersFrom) {
            try db.query(
                "INSERT INTO rollout_clusters (rollout_id, ordinal, body) VALUES ($1, $2, $3)",
                [id, .integer(Int64(index)), try records.json(rollout.clusters[index])]
            )
        }
        for index in rollout.history.indices.dropFirst(historyFrom) {
            try db.query(
                "INSERT INTO rollout_history (rollout_id, ordinal, body) VALUES ($1, $2, $3)",
                [id, .integer(Int64(index)), try records.json(rollout.history[index])]
            )
        }
    }

    /// Moves rollouts written before migration 8, each one document, into rows; afterwards every
    /// rollout has a revision and this finds nothing. Servers starting together take turns on
    /// the row locks, and the second finds the rollout moved.
    static func moveRolloutDocuments(_ db: any SQLConnection, _ dialect: SQLDialect, _ records: StoreRecords) throws {
        try db.transaction(dialect) {
            for row in try db.query("SELECT id, body FROM rollouts WHERE revision IS NULL ORDER BY id\(dialect.forUpdate)") {
                guard let id = row[0].string, let body = row[1].string else { continue }
                let rollout = try records.rollout(json: body)
                try db.query(
                    "UPDATE rollouts SET body = $1, waves = $2, revision = $3 WHERE id = $4",
                    [try records.json(rollout.document), try records.json(rollout.waves), .text(ID.make()), .text(id)]
                )
                try insertRows(db, records, rollout, clustersFrom: 0, historyFrom: 0)
            }
        }
    }
}

extension Rollout {
    /// What `rollouts.body` keeps: all but the waves, the clusters and the history, kept apart.
    var document: Rollout {
        var document = self
        document.waves = []
        document.clusters = []
        document.history = []
        return document
    }
}
