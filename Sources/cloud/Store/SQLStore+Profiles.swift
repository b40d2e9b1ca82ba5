import FleetAPI

extension SQLStore {
    private static let profileColumns = "name, revision, document, author, git_commit, create_at"

    func saveProfile(
        name: String,
        document: String,
        author: String?,
        commit: String?,
        at time: Int64,
        audit: AuditEntry?
    ) async throws
        -> ProfileRevision
    {
        let auditValues = try audit.map(records.auditValues)
        do {
            return try await transaction { db in
                let latest = try Self.latestProfile(db, name)
                try Self.insertAudit(db, auditValues)
                if let latest, latest.document == document { return latest }
                let next = ProfileRevision(
                    name: name,
                    revision: (latest?.revision ?? 0) + 1,
                    document: document,
                    author: author,
                    commit: commit,
                    createAt: time
                )
                try Self.insert(db, next)
                return next
            }
        } catch let error as any SQLError where error.isUniqueViolation {
            throw StoreError.conflict("profile \(name) was changed by another request at the same time; apply it again")
        }
    }

    func deleteProfile(name: String, author: String?, commit: String?, at time: Int64, audit: AuditEntry?) async throws {
        let auditValues = try audit.map(records.auditValues)
        do {
            try await transaction { db in
                guard let latest = try Self.latestProfile(db, name), latest.document != nil else { throw StoreError.notFound("profile \(name)") }
                let end = ProfileRevision(name: name, revision: latest.revision + 1, document: nil, author: author, commit: commit, createAt: time)
                try Self.insert(db, end)
                try Self.insertAudit(db, auditValues)
            }
        } catch let error as any SQLError where error.isUniqueViolation {
            throw StoreError.conflict("profile \(name) was changed by another request at the same time")
        }
    }

    func profiles() async throws -> [ProfileRevision] {
        try await query(
            """
            SELECT \(Self.profileColumns) FROM profile_revisions AS p
            WHERE revision = (SELECT MAX(revision) FROM profile_revisions AS q WHERE q.name = p.name) AND document IS NOT NULL
            ORDER BY name
            """
        ).map(Self.profileRevision)
    }

    func profileRevisions(_ name: String) async throws -> [ProfileRevision] {
        try await query("SELECT \(Self.profileColumns) FROM profile_revisions WHERE name = $1 ORDER BY revision DESC", [.text(name)])
            .map(Self.profileRevision)
    }

    func profileSource(_ name: String) async throws -> ProfileSourceState? {
        try await query("SELECT body FROM profile_sources WHERE name = $1", [.text(name)]).first.map {
            try records.decode(ProfileSourceState.self, json: $0[0].string)
        }
    }

    func recordProfileSource(_ name: String, _ state: ProfileSourceState) async throws {
        try await query(
            "INSERT INTO profile_sources (name, body) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET body = excluded.body",
            [.text(name), try records.json(state)]
        )
    }

    private static func latestProfile(_ db: any SQLConnection, _ name: String) throws -> ProfileRevision? {
        try db.query("SELECT \(profileColumns) FROM profile_revisions WHERE name = $1 ORDER BY revision DESC LIMIT 1", [.text(name)])
            .first.map(profileRevision)
    }

    private static func insert(_ db: any SQLConnection, _ revision: ProfileRevision) throws {
        try db.query(
            "INSERT INTO profile_revisions (\(profileColumns)) VALUES ($1, $2, $3, $4, $5, $6)",
            [
                .text(revision.name), .integer(Int64(revision.revision)), revision.document.map(SQLValue.text) ?? .null,
                revision.author.map(SQLValue.text) ?? .null, revision.commit.map(SQLValue.text) ?? .null, .integer(revision.createAt),
            ]
        )
    }

    private static func profileRevision(_ row: [SQLValue]) -> ProfileRevision {
        ProfileRevision(
            name: row[0].string ?? "",
            revision: Int(row[1].int ?? 0),
            document: row[2].string,
            author: row[3].string,
            commit: row[4].string,
            createAt: row[5].int ?? 0
        )
    }
}
