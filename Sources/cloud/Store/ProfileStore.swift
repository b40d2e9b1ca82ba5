/// Fleet profiles, every change a revision of its own.
protocol ProfileStore: Sendable {
    /// Keeps `document` as the profile's next revision, unless it is the current one already;
    /// the revision current afterwards. Two servers saving at once: one of them gets `.conflict`.
    func saveProfile(
        name: String,
        document: String,
        author: String?,
        commit: String?,
        at time: Int64,
        audit: AuditEntry?
    ) async throws
        -> ProfileRevision
    /// Ends the profile with a revision that has no document; `.notFound` when there is none.
    func deleteProfile(name: String, author: String?, commit: String?, at time: Int64, audit: AuditEntry?) async throws
    /// The current revision of every profile not deleted, by name.
    func profiles() async throws -> [ProfileRevision]
    /// Every revision of `name`, newest first; empty when it never existed.
    func profileRevisions(_ name: String) async throws -> [ProfileRevision]
    /// Where a source of profiles (the Git repository) stands: the commit last applied, the last error.
    func profileSource(_ name: String) async throws -> ProfileSourceState?
    func recordProfileSource(_ name: String, _ state: ProfileSourceState) async throws
}
