import CSQLite

struct SQLiteError: SQLError, CustomStringConvertible {
    var code: Int32
    var message: String
    var description: String { "sqlite error \(code): \(message)" }

    /// SQLITE_CONSTRAINT_PRIMARYKEY or SQLITE_CONSTRAINT_UNIQUE (extended codes Swift cannot import).
    var isUniqueViolation: Bool { code == SQLITE_CONSTRAINT | 6 << 8 || code == SQLITE_CONSTRAINT | 8 << 8 }
}

/// One libsqlite3 connection: WAL journal, a busy timeout so concurrent writers wait instead of
/// failing, foreign keys on, and a cache of prepared statements. Used by one caller at a time (its
/// `ConnectionPool` sees to that), from whichever thread the pool runs it on.
final class SQLiteConnection: SQLConnection {
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    /// SQLITE_TRANSIENT: SQLite copies bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// The file at `path`, made empty when missing if `creating`.
    init(path: String, creating: Bool = true) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (creating ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
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

    /// Ends a transaction a failed caller left open; the file itself never goes away.
    /// A file has no server to end it.
    var isLost: Bool { false }

    func prepareForUse() throws(SQLiteError) {
        if sqlite3_get_autocommit(handle) == 0 { try execute("ROLLBACK") }
    }

    /// SQLite reads `$1` as a parameter named "$1", wherever it appears and however often, so
    /// binding by name gives the statement PostgreSQL's meaning of `$n`: the n-th value.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws(SQLiteError) -> [[SQLValue]] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for position in 0..<sqlite3_bind_parameter_count(statement) {
            let name = sqlite3_bind_parameter_name(statement, position + 1).map { String(cString: $0) } ?? "?"
            guard name.hasPrefix("$"), let number = Int(name.dropFirst()), parameters.indices.contains(number - 1) else {
                throw SQLiteError(code: SQLITE_RANGE, message: "parameter \(name) has no value in \(sql)")
            }
            let code: Int32 =
                switch parameters[number - 1] {
                case .null: sqlite3_bind_null(statement, position + 1)
                case .integer(let number): sqlite3_bind_int64(statement, position + 1, number)
                case .text(let text): sqlite3_bind_text(statement, position + 1, text, -1, Self.transient)
                }
            guard code == SQLITE_OK else { throw error() }
        }
        var rows: [[SQLValue]] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return rows }
            guard code == SQLITE_ROW else { throw error() }
            rows.append(
                (0..<sqlite3_column_count(statement)).map { column in
                    switch sqlite3_column_type(statement, column) {
                    case SQLITE_NULL: .null
                    case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, column))
                    default: .text(String(cString: sqlite3_column_text(statement, column)))
                    }
                }
            )
        }
    }

    func execute(_ sql: String) throws(SQLiteError) {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw error() }
    }

    private func prepared(_ sql: String) throws(SQLiteError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error() }
        statements[sql] = statement
        return statement
    }

    /// The connection's last error, with its extended code (SQLITE_CONSTRAINT_UNIQUE, ...).
    private func error() -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }
}
