import Foundation
import TestSupport
import Testing

@testable import cloud

/// The stores the store suite runs against.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// Both, or only SQLite where PostgreSQL is not installed; the test "a PostgreSQL server starts
    /// for the store tests" then shows as skipped, saying why.
    static let available: [StoreBackend] = PostgresServer.isInstalled ? allCases : [.sqlite]
}

/// A fresh, empty database of one backend, and a way into it around the store, as an operator
/// with a SQL shell would have.
struct StoreDatabase: Sendable {
    let backend: StoreBackend
    /// The SQLite file, or the PostgreSQL URL.
    let location: String

    /// A new database: a file in a scratch directory, or a database of its own on the shared test
    /// server, so tests stay independent.
    static func make(_ backend: StoreBackend) async throws -> StoreDatabase {
        switch backend {
        case .sqlite:
            return StoreDatabase(backend: backend, location: "\(try Testbed.makeScratchDirectory())/cloud.db")
        case .postgres:
            let server = try await PostgresServer.shared
            let name = PostgresServer.newDatabaseName()
            try await admin.value.withConnection { try $0.execute("CREATE DATABASE \(name)") }
            return StoreDatabase(backend: backend, location: server.url(database: name))
        }
    }

    /// Connections to the test server's maintenance database, for CREATE DATABASE.
    private static let admin = Task { ConnectionPool.postgres(url: try await PostgresServer.shared.adminURL, size: 2) }

    /// The store on this database, as a cloud server opens it at start-up.
    func open(cipher: KubeconfigCipher? = nil) async throws -> any Store {
        switch backend {
        case .sqlite: try await SQLStore(sqlite: location, cipher: cipher)
        case .postgres: try await SQLStore(postgres: location, cipher: cipher)
        }
    }

    /// The store as a cloud server whose binary ships `migrations` opens it.
    func open(migrations: Migrations) async throws -> SQLStore {
        try await SQLStore(connection(), cipher: nil, migrations: migrations)
    }

    /// A connection of its own, around the store.
    private func connection() -> ConnectionPool {
        switch backend {
        case .sqlite: .sqlite(path: location)
        case .postgres: .postgres(url: location, size: 1)
        }
    }

    /// One statement, in the SQL both databases read alike.
    @discardableResult
    func sql(_ statement: String, _ parameters: [SQLValue] = []) async throws -> [[SQLValue]] {
        try await connection().withConnection { try $0.query(statement, parameters) }
    }

    /// The schema as the current migrations make it, up to `version`: a database a cloud server of
    /// that schema left behind.
    func createSchema(upTo version: Int, from migrations: Migrations = .current) async throws {
        let dialect: SQLDialect = backend == .sqlite ? .sqlite : .postgres
        let versionTable = backend == .sqlite ? PreviousSchema.sqliteVersionTable : PreviousSchema.postgresVersionTable
        try await connection().withConnection { db in
            try db.execute(versionTable)
            for step in migrations.steps(dialect) where step.version <= version {
                try db.execute(step.sql)
                try db.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)", [.integer(Int64(step.version))])
            }
        }
    }

    /// The schema as a cloud server of schema `version` left it before the store was written once.
    func createPreviousSchema(version: Int) async throws {
        let (versionTable, steps) =
            switch backend {
            case .sqlite: (PreviousSchema.sqliteVersionTable, PreviousSchema.sqlite)
            case .postgres: (PreviousSchema.postgresVersionTable, PreviousSchema.postgres)
            }
        try await connection().withConnection { db in
            try db.execute(versionTable)
            for step in steps where step.version <= version {
                try db.execute(step.sql)
                try db.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)", [.integer(Int64(step.version))])
            }
        }
    }

    /// A table's column as the database describes it.
    struct Column: Hashable, Sendable, CustomStringConvertible {
        var table: String
        var name: String
        var type: String
        /// NOT NULL without a default or identity: every INSERT must name it.
        var required: Bool
        var description: String { "\(table).\(name) \(type)\(required ? " required" : "")" }
    }

    /// Every column of every table.
    func columns() async throws -> [Column] {
        let query =
            switch backend {
            case .sqlite:
                """
                SELECT m.name, p.name, p.type, p."notnull" = 1 AND p.dflt_value IS NULL AND p.pk = 0
                FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid
                """
            case .postgres:
                """
                SELECT table_name, column_name, data_type, is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'
                FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position
                """
            }
        return try await sql(query).map { row in
            Column(
                table: row[0].string ?? "",
                name: row[1].string ?? "",
                type: row[2].string ?? "",
                required: row[3].int == 1 || row[3].string == "t"
            )
        }
    }

    /// The tables, columns, indexes and constraints as the database describes them, whitespace
    /// aside: equal for two databases with the same schema.
    func schema() async throws -> [String] {
        let queries =
            switch backend {
            case .sqlite: ["SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"]
            case .postgres:
                [
                    """
                    SELECT table_name, column_name, ordinal_position, data_type, collation_name, is_nullable, column_default,
                           is_identity, identity_generation
                    FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position
                    """,
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY conname",
                ]
            }
        var rows: [String] = []
        for query in queries {
            for row in try await sql(query) {
                rows.append(
                    row.map { "\($0.string ?? $0.int.map(String.init) ?? "NULL")" }.joined(separator: " | ")
                        .split(whereSeparator: \.isWhitespace).joined(separator: " ")
                )
            }
        }
        return rows
    }
}
