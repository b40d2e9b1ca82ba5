/// Dashboard sessions that ended before they expired: signed out, or revoked for their holder. A
/// session's cookie is checked against it on every request, so a sign-out on one server ends the
/// session on every server sharing the database.
protocol SessionStore: Sendable {
    /// Records that session `id` ended. It is kept until `expires`: after that the cookie is refused anyway.
    func endSession(_ id: String, expires: Int64) async throws
    /// Ends every session of `holder` issued at or before `time`.
    func revokeSessions(of holder: String, at time: Int64, audit: AuditEntry?) async throws
    /// Whether session `id` of `holder`, issued at `issuedAt`, has ended.
    func sessionEnded(_ id: String, holder: String, issuedAt: Int64) async throws -> Bool
    /// Forgets the sessions ended before `time` that have expired by then; returns how many went.
    func pruneSessions(before time: Int64) async throws -> Int
}
