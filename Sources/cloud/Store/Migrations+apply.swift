import FleetAPI

extension Migrations {
    /// Applies the missing steps in one transaction and records the oldest version that may read
    /// the result. A database of a newer schema is used as it is when its record says servers of
    /// this one may read it (a rolling upgrade under way), and refused otherwise. `now` is when
    /// each step is recorded as applied. Returns the database's version.
    @discardableResult
    func apply(on db: any SQLConnection, _ dialect: SQLDialect, now: Int64) throws -> Int {
        try db.transaction(dialect) {
            // Servers starting together on PostgreSQL take turns: the first migrates, the rest find
            // nothing to do.
            if let lock = dialect.migrationLock { try db.query(lock) }
            try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at \(dialect.bigint) NOT NULL)")
            let current = Int(try db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").first?.first?.int ?? 0)
            guard current <= latest else {
                // A newer schema has step 12, so the record is there.
                let reader = try db.query("SELECT oldest_reader FROM schema_migrations WHERE version = $1", [.integer(Int64(current))])
                let oldest = Int(reader.first?.first?.int ?? Int64(current))
                guard oldest <= latest else { throw StoreError.schemaTooNew(found: current, supported: latest, oldestReader: oldest) }
                return current
            }
            for step in steps(dialect) where step.version > current {
                try db.execute(step.sql)
                try db.query(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                    [.integer(Int64(step.version)), .integer(now)]
                )
            }
            if current < latest {
                try db.query(
                    "UPDATE schema_migrations SET oldest_reader = $1 WHERE version = $2",
                    [.integer(Int64(oldestReader(of: latest))), .integer(Int64(latest))]
                )
            }
            return max(current, latest)
        }
    }
}
