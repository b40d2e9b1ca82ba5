extension SQLStore {
    private static let insertAuditSQL = "INSERT INTO audit (\(StoreRecords.auditInsertColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7)"

    /// Inside the caller's transaction, so the entry is written with the change it records.
    static func insertAudit(_ db: any SQLConnection, _ values: [SQLValue]?) throws {
        guard let values else { return }
        try db.query(insertAuditSQL, values)
    }

    func recordAudit(_ entry: AuditEntry) async throws {
        try await query(Self.insertAuditSQL, try records.auditValues(entry))
    }

    func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] {
        let (sql, parameters) = StoreRecords.auditListing(query)
        return try await self.query(sql, parameters).map(records.auditEntry)
    }

    /// Both databases have DELETE ... RETURNING.
    func pruneAudit(before time: Int64) async throws -> Int {
        try await query("DELETE FROM audit WHERE time < $1 RETURNING id", [.integer(time)]).count
    }
}
