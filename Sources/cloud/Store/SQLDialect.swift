/// Where SQLite and PostgreSQL spell the same thing differently, so `SQLStore` and `Migrations`
/// are written once with these fragments in the few places they differ.
///
/// What both already spell alike needs no entry: `$1`, `$2`, ... parameters (SQLite binds them
/// by name, see `SQLiteConnection`), `RETURNING`, and `INSERT ... ON CONFLICT ... DO UPDATE`
/// upserts (SQLite 3.35 and PostgreSQL 9.5 have all three).
struct SQLDialect: Sendable {
    /// The database as traces name it (OpenTelemetry's `db.system`).
    let system: String
    /// Starts a transaction that is going to write. SQLite takes the write lock at once, so no
    /// other writer slips in between a read and the write that follows it.
    let begin: String
    /// A 64-bit integer column.
    let bigint: String
    /// A text column that compares bytewise, as IDs and names must for listings to page in the
    /// same order whatever locale a PostgreSQL database was created with.
    let key: String
    /// An integer primary key the database assigns and never reuses.
    let generatedID: String
    /// Appended to a SELECT whose rows are then written: locks them until the transaction ends.
    /// SQLite needs none, its transactions write one at a time.
    let forUpdate: String
    /// Appended to a SELECT of rows to claim: leaves rows another transaction has locked to it
    /// instead of waiting for them.
    let skipLocked: String
    /// Run first in the migration transaction so servers starting together migrate once.
    let migrationLock: String?
    /// Taken just before a transaction writes events, held to its commit: events then commit in
    /// the order of their IDs, so a reader resuming after ID N never misses a smaller one that
    /// committed later. SQLite's transactions are in order already.
    let eventOrderLock: String?

    /// The text of `key` in the JSON object held in the text column `column`.
    func jsonText(_ column: String, _ key: String) -> String {
        system == "sqlite" ? "json_extract(\(column), '$.\(key)')" : "(\(column)::json ->> '\(key)')"
    }

    static let sqlite = SQLDialect(
        system: "sqlite",
        begin: "BEGIN IMMEDIATE",
        bigint: "INTEGER",
        key: "TEXT",
        generatedID: "INTEGER PRIMARY KEY AUTOINCREMENT",
        forUpdate: "",
        skipLocked: "",
        migrationLock: nil,
        eventOrderLock: nil
    )

    static let postgres = SQLDialect(
        system: "postgresql",
        begin: "BEGIN",
        bigint: "BIGINT",
        key: #"TEXT COLLATE "C""#,
        generatedID: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        forUpdate: " FOR UPDATE",
        skipLocked: " FOR UPDATE SKIP LOCKED",
        // pg_advisory_xact_lock on any constant unique to this schema ("clouds").
        migrationLock: "SELECT pg_advisory_xact_lock(\(0x636c_6f75_6473 as Int64))",
        // Another constant ("events").
        eventOrderLock: "SELECT pg_advisory_xact_lock(\(0x6576_656e_7473 as Int64))"
    )
}
