import FleetAPI

/// One line of the audit log: who (a token's name, never the token) did what, to which objects,
/// and how it ended.
struct AuditEntry: Codable, Sendable, Equatable {
    /// Assigned by the store; increases with every entry.
    var id: Int64 = 0
    /// When the request arrived, in milliseconds since the epoch.
    var time: Int64
    /// The token's name; nil when no valid token was presented (a 401).
    var actor: String?
    var role: AccessRole?
    var method: String
    var path: String
    /// The IDs of the clusters and deployments the request created or acted on.
    var targets: [String]
    /// The HTTP status of the answer.
    var status: Int
}

/// What `GET /api/audit` asks the store for.
struct AuditQuery: Sendable, Equatable {
    /// Entries at or after this time (milliseconds since the epoch).
    var since: Int64?
    var actor: String?
    /// Entries older than this ID: the last ID of the previous page.
    var before: Int64?
    var limit: Int = 100
}
