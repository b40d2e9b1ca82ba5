import CPostgres
import Foundation

/// A failure from libpq or the server: the SQLSTATE when the server sent one, and a one-line
/// message from which the connection URL and its password have been removed, so it can be shown
/// and logged as it is.
struct PostgresError: SQLError, CustomStringConvertible {
    var sqlState: String?
    var message: String

    var description: String { sqlState.map { "PostgreSQL error \($0): \(message)" } ?? message }

    /// unique_violation: a duplicate key.
    var isUniqueViolation: Bool { sqlState == "23505" }
}

/// One libpq connection. libpq calls block, and a connection serves one caller at a time, so a
/// `ConnectionPool` owns these and runs every call on the connection's own executor, off the Swift
/// cooperative pool.
final class PostgresConnection: SQLConnection {
    private let handle: OpaquePointer
    private let redactor: PostgresURL

    /// Connects with `url` as libpq's conninfo (`postgres://user:password@host:port/db?sslmode=...`).
    /// A URL without a password leaves libpq to find one in PGPASSWORD or ~/.pgpass.
    init(url: String) throws(PostgresError) {
        let redactor = PostgresURL(url)
        if let problem = redactor.problem { throw PostgresError(message: problem) }
        // Earlier keywords are defaults the URL may override: libpq keeps the last value it sees,
        // and expands `dbname` into the URL's own parameters in place.
        let parameters = [("connect_timeout", "10"), ("application_name", "cloud"), ("dbname", url)]
        let handle = Self.withCStrings(parameters.map(\.0) + [nil]) { keywords in
            Self.withCStrings(parameters.map(\.1) + [nil]) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let handle else { throw PostgresError(message: "libpq could not allocate a connection") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = redactor.clean(String(cString: PQerrorMessage(handle)))
            PQfinish(handle)
            throw PostgresError(message: "cannot connect to PostgreSQL at \(redactor.target): \(message)")
        }
        self.handle = handle
        self.redactor = redactor
        // The server's NOTICEs ("relation already exists, skipping") would go to stderr otherwise.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    func prepareForUse() throws(PostgresError) {
        // An idle connection is sent nothing unless the server is ending it (a restart, a terminated
        // backend): reading what has arrived, without blocking, lets libpq see the end, so this
        // call reconnects instead of failing.
        for _ in 0..<8 where PQstatus(handle) == CONNECTION_OK && hasInput {
            if PQconsumeInput(handle) == 0 { break }
        }
        if PQstatus(handle) != CONNECTION_OK {
            PQreset(handle)
            guard PQstatus(handle) == CONNECTION_OK else {
                throw PostgresError(
                    message: "lost the connection to PostgreSQL at \(redactor.target): \(redactor.clean(String(cString: PQerrorMessage(handle))))"
                )
            }
        }
        if PQtransactionStatus(handle) != PQTRANS_IDLE { try execute("ROLLBACK") }
    }

    var isLost: Bool { PQstatus(handle) != CONNECTION_OK }

    private var hasInput: Bool {
        var socket = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        return poll(&socket, 1, 0) == 1
    }

    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws(PostgresError) -> [[SQLValue]] {
        let texts: [String?] = parameters.map { value in
            switch value {
            case .null: nil
            case .integer(let number): String(number)
            case .text(let text): text
            }
        }
        let result = Self.withCStrings(texts) { values in
            PQexecParams(handle, sql, Int32(texts.count), nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result)
        return rows(of: result!)
    }

    func execute(_ sql: String) throws(PostgresError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result)
    }

    private func check(_ result: OpaquePointer?) throws(PostgresError) {
        guard let result else { throw PostgresError(message: "PostgreSQL: \(redactor.clean(String(cString: PQerrorMessage(handle))))") }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK: return
        default:
            // PG_DIAG_SQLSTATE; absent when libpq itself failed (the connection dropped mid-call).
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            // The primary message and its detail, without the severity prefix, hint and context.
            let field = { (code: UInt8) in PQresultErrorField(result, Int32(code)).map { String(cString: $0) } }
            let parts = [field(UInt8(ascii: "M")), field(UInt8(ascii: "D"))].compactMap { $0 }
            let message = redactor.clean(parts.isEmpty ? String(cString: PQresultErrorMessage(result)) : parts.joined(separator: " "))
            throw PostgresError(sqlState: state, message: state == nil ? "PostgreSQL: \(message)" : message)
        }
    }

    private func rows(of result: OpaquePointer) -> [[SQLValue]] {
        let columns = PQnfields(result)
        // Text format: integers arrive as digits, so the column's type says which to parse.
        let integral: [Bool] = (0..<columns).map { [20, 21, 23].contains(PQftype(result, $0)) }  // int8, int2, int4
        return (0..<PQntuples(result)).map { row in
            (0..<columns).map { column in
                if PQgetisnull(result, row, column) != 0 { return .null }
                let text = String(cString: PQgetvalue(result, row, column))
                if integral[Int(column)], let number = Int64(text) { return .integer(number) }
                return .text(text)
            }
        }
    }

    /// NUL-terminated copies of `strings` that live for the duration of `body`.
    private static func withCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let copies = strings.map { $0.map { UnsafePointer(strdup($0)!) } }
        defer { for case let copy? in copies { free(UnsafeMutablePointer(mutating: copy)) } }
        return copies.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
