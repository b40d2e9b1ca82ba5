/// What the SQL store needs of a database connection: `SQLiteConnection` (libsqlite3) and
/// `PostgresConnection` (libpq). Calls block, and a connection serves one caller at a time, so
/// `ConnectionPool` owns them and runs every call off the Swift cooperative pool.
protocol SQLConnection: AnyObject {
    /// One statement with `$1`, `$2`, ... bound to `parameters`, sent apart from the SQL text.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [[SQLValue]]
    /// Statements without parameters, several at once (the migrations' DDL).
    func execute(_ sql: String) throws
    /// Makes the connection fit for the next caller: reopens one the server closed, and ends a
    /// transaction a failed caller left open.
    func prepareForUse() throws
    /// The server ended the connection (a restart, a terminated backend).
    var isLost: Bool { get }
}

/// A failure of either database, as far as the store tells failures apart.
protocol SQLError: Error {
    /// A duplicate key: a unique index or primary key refused the row.
    var isUniqueViolation: Bool { get }
}

/// A value bound to or read from a statement, the same for both databases so rows map to models once.
enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)

    var int: Int64? { if case .integer(let value) = self { value } else { nil } }
    var string: String? { if case .text(let value) = self { value } else { nil } }
}

extension SQLConnection {
    @discardableResult
    func query(_ sql: String) throws -> [[SQLValue]] {
        try query(sql, [])
    }

    /// Runs `body` in one transaction: all of it is written, or none of it. On PostgreSQL other
    /// transactions run alongside, so reads that are then written lock their rows (`forUpdate`).
    func transaction<T>(_ dialect: SQLDialect, _ body: () throws -> T) throws -> T {
        try execute(dialect.begin)
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }
}
