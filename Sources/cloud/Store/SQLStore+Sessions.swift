extension SQLStore {
    func endSession(_ id: String, expires: Int64) async throws {
        try await query("INSERT INTO ended_sessions (id, expires) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", [.text(id), .integer(expires)])
    }

    func revokeSessions(of holder: String, at time: Int64, audit: AuditEntry?) async throws {
        let auditValues = try audit.map(records.auditValues)
        try await transaction { db in
            try db.query(
                """
                INSERT INTO session_revocations (holder, revoked_at) VALUES ($1, $2)
                ON CONFLICT (holder) DO UPDATE SET revoked_at = excluded.revoked_at
                """,
                [.text(holder), .integer(time)]
            )
            try Self.insertAudit(db, auditValues)
        }
    }

    func sessionEnded(_ id: String, holder: String, issuedAt: Int64) async throws -> Bool {
        let rows = try await query(
            """
            SELECT (SELECT COUNT(*) FROM ended_sessions WHERE id = $1)
                + (SELECT COUNT(*) FROM session_revocations WHERE holder = $2 AND revoked_at >= $3)
            """,
            [.text(id), .text(holder), .integer(issuedAt)]
        )
        return (rows.first?.first?.int ?? 0) > 0
    }

    func pruneSessions(before time: Int64) async throws -> Int {
        try await query("DELETE FROM ended_sessions WHERE expires < $1 RETURNING id", [.integer(time)]).count
    }
}
