import CSQLite
import Foundation
import Synchronization

struct SQLiteError: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var description: String { "sqlite error \(code): \(message)" }

    /// SQLITE_CONSTRAINT and its extended codes.
    var isConstraintViolation: Bool { code & 0xff == SQLITE_CONSTRAINT }
}

/// One libsqlite3 connection: WAL journal, a busy timeout so concurrent writers wait instead of
/// failing, foreign keys on, and a cache of prepared statements. Calls are serialized by a lock;
/// SQLite work here is short, so holding it briefly is cheaper than a thread hop.
final class SQLiteConnection: Sendable {
    // The handle and statements are only touched while holding `lock`.
    nonisolated(unsafe) private let handle: OpaquePointer
    nonisolated(unsafe) private var statements: [String: OpaquePointer] = [:]
    private let lock = Mutex(())

    /// SQLITE_TRANSIENT: SQLite copies bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw SQLiteError(code: code, message: "\(path): \(message)")
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, 10_000)
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = NORMAL")
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close(handle)
    }

    /// Runs `body` in one IMMEDIATE transaction: all of it is written, or none of it.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try lock.withLock { _ in
            _ = try run("BEGIN IMMEDIATE", [])
            do {
                let result = try body()
                _ = try run("COMMIT", [])
                return result
            } catch {
                _ = try? run("ROLLBACK", [])
                throw error
            }
        }
    }

    /// Runs one statement on its own (an implicit transaction).
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue] = []) throws -> [[SQLValue]] {
        try lock.withLock { _ in try run(sql, parameters) }
    }

    /// For use inside `transaction` only: the lock is already held.
    @discardableResult
    func queryInTransaction(_ sql: String, _ parameters: [SQLValue] = []) throws -> [[SQLValue]] {
        try run(sql, parameters)
    }

    func execute(_ sql: String) throws {
        try lock.withLock { _ in
            let code = sqlite3_exec(handle, sql, nil, nil, nil)
            guard code == SQLITE_OK else { throw error(code) }
        }
    }

    var changes: Int { Int(sqlite3_changes(handle)) }

    private func run(_ sql: String, _ parameters: [SQLValue]) throws -> [[SQLValue]] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in parameters.enumerated() {
            let position = Int32(index + 1)
            let code: Int32 = switch value {
            case .null: sqlite3_bind_null(statement, position)
            case .integer(let number): sqlite3_bind_int64(statement, position, number)
            case .text(let text): sqlite3_bind_text(statement, position, text, -1, Self.transient)
            }
            guard code == SQLITE_OK else { throw error(code) }
        }
        var rows: [[SQLValue]] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return rows }
            guard code == SQLITE_ROW else { throw error(code) }
            rows.append((0..<sqlite3_column_count(statement)).map { column in
                switch sqlite3_column_type(statement, column) {
                case SQLITE_NULL: .null
                case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, column))
                default: .text(String(cString: sqlite3_column_text(statement, column)))
                }
            })
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code) }
        statements[sql] = statement
        return statement
    }

    private func error(_ code: Int32) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }
}
