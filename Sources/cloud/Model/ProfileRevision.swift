/// One revision of a profile as kept: the document as it was applied (nil when this revision
/// deleted the profile), who applied it, and the Git commit it came from, if any.
struct ProfileRevision: Codable, Sendable, Equatable {
    var name: String
    var revision: Int
    var document: String?
    var author: String?
    var commit: String?
    var createAt: Int64
}

/// Where the Git repository of profiles stands: `GET /api/profiles/sync`.
struct ProfileSourceState: Codable, Sendable, Equatable {
    /// Without any user or password in it.
    var url: String
    var ref: String
    var path: String
    /// The commit whose profiles are applied; nil before the first good one.
    var commit: String?
    /// Why the last sync did not apply its commit (nil: it did).
    var error: String?
    /// The commit that error is about.
    var failedCommit: String?
    var syncedAt: Int64
}
