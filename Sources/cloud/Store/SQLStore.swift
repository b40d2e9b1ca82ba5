import ServerSupport

/// The store, written once for SQLite (one file, one cloud server) and PostgreSQL (a database
/// several cloud servers share): the SQL is the same but for the `SQLDialect` fragments, and the
/// two connections differ only behind `SQLConnection`.
///
/// SQLite writes one transaction at a time (BEGIN IMMEDIATE). On PostgreSQL other transactions run
/// alongside, so every read that is then written locks its row (`dialect.forUpdate`), and
/// transactions that lock a cluster row do so before anything else touches it, so two of them
/// never wait on each other.
final class SQLStore: Store {
    let pool: ConnectionPool
    let records: StoreRecords
    let rollouts = RolloutDocuments()
    var dialect: SQLDialect { pool.dialect }
    /// The database's schema version: this binary's latest, or a newer one it may read.
    let schemaVersion: Int

    /// Opens, migrates and seals kubeconfigs before returning, so a bad path or URL, an unreachable
    /// server, a too-new schema or a missing key stops the server at start-up.
    init(
        _ pool: ConnectionPool,
        cipher: KubeconfigCipher?,
        clock: any WallClock = SystemClock(),
        migrations: Migrations = .current
    ) async throws {
        self.pool = pool
        records = StoreRecords(cipher: cipher, clock: clock)
        schemaVersion = try await pool.withConnection { [records] db in
            let version = try migrations.apply(on: db, pool.dialect, now: clock.millisecondsSince1970)
            try Self.moveRolloutDocuments(db, pool.dialect, records)
            try Self.sealKubeconfigs(db, pool.dialect, records)
            try Self.countDrift(db, pool.dialect, records)
            return version
        }
    }

    /// The SQLite file at `path`, created if missing.
    convenience init(sqlite path: String, cipher: KubeconfigCipher? = nil, clock: any WallClock = SystemClock()) async throws {
        try await self.init(.sqlite(path: path), cipher: cipher, clock: clock)
    }

    /// The PostgreSQL database at `url`, through up to `connections` connections.
    convenience init(postgres url: String, cipher: KubeconfigCipher? = nil, connections: Int = 4) async throws {
        try await self.init(.postgres(url: url, size: connections), cipher: cipher)
    }

    /// Brings every stored kubeconfig under the current key; see `StoreRecords.resealed`.
    private static func sealKubeconfigs(_ db: any SQLConnection, _ dialect: SQLDialect, _ records: StoreRecords) throws {
        try db.transaction(dialect) {
            // In id order, so two servers rotating at once lock rows in the same order.
            for row in try db.query("SELECT id, kubeconfig FROM clusters WHERE kubeconfig != '' ORDER BY id\(dialect.forUpdate)") {
                guard let id = row[0].string, let stored = row[1].string, let sealed = try records.resealed(stored) else { continue }
                try db.query("UPDATE clusters SET kubeconfig = $1 WHERE id = $2", [.text(sealed), .text(id)])
            }
        }
    }

    /// Fills the `drifted` column (migration 7) for clusters whose drift was recorded before it
    /// existed; afterwards every utilities change keeps it, so this finds nothing to do.
    private static func countDrift(_ db: any SQLConnection, _ dialect: SQLDialect, _ records: StoreRecords) throws {
        try db.transaction(dialect) {
            let rows = try db.query(
                "SELECT id, utilities FROM clusters WHERE drifted = 0 AND utilities LIKE '%\"Drifted\"%' ORDER BY id\(dialect.forUpdate)"
            )
            for row in rows {
                guard let id = row[0].string, let text = row[1].string else { continue }
                let count = try records.utilities(text).driftedCount
                if count > 0 { try db.query("UPDATE clusters SET drifted = $1 WHERE id = $2", [.integer(Int64(count)), .text(id)]) }
            }
        }
    }

    /// One statement on a connection of its own (an implicit transaction).
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue] = [], function: String = #function) async throws -> [[SQLValue]] {
        try await pool.withConnection(function: function) { db in try db.query(sql, parameters) }
    }

    /// `prefix (...)` over `ids`, bound as parameters after those `prefix` uses (`after`); no
    /// query when there are no IDs.
    static func rows(
        _ db: any SQLConnection,
        _ prefix: String,
        _ ids: [String],
        after leading: [SQLValue] = []
    ) throws -> [[SQLValue]] {
        guard !ids.isEmpty else { return [] }
        let placeholders = ids.indices.map { "$\($0 + leading.count + 1)" }.joined(separator: ", ")
        return try db.query("\(prefix) (\(placeholders))", leading + ids.map(SQLValue.text))
    }

    /// Runs `body` in one transaction on a connection of its own: all of it is written, or none of it.
    @discardableResult
    func transaction<T>(function: String = #function, _ body: (any SQLConnection) throws -> T) async throws -> T {
        try await pool.withConnection(function: function) { [dialect] db in try db.transaction(dialect) { try body(db) } }
    }
}
