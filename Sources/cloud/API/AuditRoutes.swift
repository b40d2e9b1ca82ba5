import FleetAPI
import Hummingbird
import ServerSupport

/// The audit log, newest first; admins only (see `AccessPolicy`).
struct AuditRoutes: Sendable {
    let store: any AuditStore

    func add(to router: Router<CloudRequestContext>) {
        router.get("/api/audit", use: list)
    }

    @Sendable func list(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try JSONResponse.make(.ok, try await store.auditEntries(try Self.query(request.uri.queryParameters)))
    }

    /// `since` (milliseconds since the epoch), `actor` (a token's name), `before` (an entry ID, for
    /// the next page) and `limit` (1 to 1000, default 100).
    static func query(_ parameters: Parameters) throws -> AuditQuery {
        var query = AuditQuery()
        if let since = parameters.get("since") {
            guard let value = Int64(since), value >= 0 else {
                throw APIError.badRequest("since must be a time in milliseconds since the epoch", field: "since")
            }
            query.since = value
        }
        if let actor = parameters.get("actor") {
            guard !actor.isEmpty, actor.unicodeScalars.count <= 63 else { throw APIError.badRequest("actor must be a token name", field: "actor") }
            query.actor = actor
        }
        if let before = parameters.get("before") {
            guard let value = Int64(before), value > 0 else { throw APIError.badRequest("before must be an audit entry ID", field: "before") }
            query.before = value
        }
        if let limit = parameters.get("limit") {
            guard let value = Int(limit), (1...1000).contains(value) else {
                throw APIError.badRequest("limit must be between 1 and 1000", field: "limit")
            }
            query.limit = value
        }
        return query
    }
}
