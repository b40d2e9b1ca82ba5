import Foundation

/// How audit entries become rows and back, and the listing query.
extension StoreRecords {
    static let auditInsertColumns = "time, actor, role, method, path, targets, status"

    func auditValues(_ entry: AuditEntry) throws -> [SQLValue] {
        [
            .integer(entry.time), entry.actor.map(SQLValue.text) ?? .null, entry.role.map { .text($0.rawValue) } ?? .null,
            .text(entry.method), .text(entry.path), try json(entry.targets), .integer(Int64(entry.status)),
        ]
    }

    /// A row of `SELECT id, \(auditInsertColumns)`.
    func auditEntry(_ row: [SQLValue]) throws -> AuditEntry {
        AuditEntry(
            id: row[0].int ?? 0,
            time: row[1].int ?? 0,
            actor: row[2].string,
            role: row[3].string.flatMap(AccessRole.init),
            method: row[4].string ?? "",
            path: row[5].string ?? "",
            targets: try JSONDecoder().decode([String].self, from: Data((row[6].string ?? "[]").utf8)),
            status: Int(row[7].int ?? 0)
        )
    }

    /// The listing's SELECT.
    static func auditListing(_ query: AuditQuery) -> (sql: String, parameters: [SQLValue]) {
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        func bind(_ condition: String, _ value: SQLValue) {
            parameters.append(value)
            conditions.append("\(condition) $\(parameters.count)")
        }
        if let since = query.since { bind("time >=", .integer(since)) }
        if let actor = query.actor { bind("actor =", .text(actor)) }
        if let before = query.before { bind("id <", .integer(before)) }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        parameters.append(.integer(Int64(query.limit)))
        return ("SELECT id, \(auditInsertColumns) FROM audit\(whereClause) ORDER BY id DESC LIMIT $\(parameters.count)", parameters)
    }
}
