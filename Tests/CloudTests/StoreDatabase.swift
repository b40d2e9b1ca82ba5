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
            let server = try PostgresServer.shared.get()
            let name = PostgresServer.newDatabaseName()
            try await admin.withConnection { try $0.execute("CREATE DATABASE \(name)") }
            return StoreDatabase(backend: backend, location: server.url(database: name))
        }
    }

    /// Connections to the test server's maintenance database, for CREATE DATABASE.
    private static let admin = PostgresPool(url: (try? PostgresServer.shared.get())?.adminURL ?? "", size: 2)

    /// The store on this database, as a cloud server opens it at start-up.
    func open(cipher: KubeconfigCipher? = nil) async throws -> any Store {
        switch backend {
        case .sqlite: try SQLiteStore(path: location, cipher: cipher)
        case .postgres: try await PostgresStore(url: location, cipher: cipher)
        }
    }

    /// One statement without parameters, so the same SQL serves both dialects.
    @discardableResult
    func sql(_ statement: String) async throws -> [[SQLValue]] {
        switch backend {
        case .sqlite: try SQLiteConnection(path: location).query(statement)
        case .postgres: try await PostgresPool(url: location, size: 1).withConnection { try $0.query(statement) }
        }
    }

    var latestVersion: Int {
        switch backend {
        case .sqlite: SQLiteMigrations.latest
        case .postgres: PostgresMigrations.latest
        }
    }

    /// The schema as a cloud server at `version` left it, without the later steps.
    func createSchema(version: Int) async throws {
        let steps = backend == .sqlite ? SQLiteMigrations.steps : PostgresMigrations.steps
        try await sql("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)")
        for step in steps where step.version <= version {
            for statement in SQLiteMigrations.statements(of: step.sql) { try await sql(statement) }
            try await sql("INSERT INTO schema_migrations (version, applied_at) VALUES (\(step.version), 0)")
        }
    }
}
