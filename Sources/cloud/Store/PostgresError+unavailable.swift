import HTTPTypes
import ServerSupport

extension PostgresError: APIErrorConvertible {
    /// The database cannot be reached or cannot take writes now: a failover, a restart, a network
    /// cut. A client should try again; the request itself was fine.
    var isUnavailable: Bool {
        guard let sqlState else { return true }  // libpq's own failure: no server answered
        // connection_exception (08...), admin_shutdown, crash_shutdown, cannot_connect_now,
        // read_only_sql_transaction (a standby before its promotion).
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "25006"].contains(sqlState)
    }

    var apiError: APIError {
        isUnavailable
            ? APIError(.serviceUnavailable, "the database is unavailable; try again shortly")
            : APIError(.internalServerError, "internal error")
    }
}
