import FleetAPI
import Foundation
import ServerSupport

extension SQLStore {
    /// Inside the caller's transaction, as its last writes (see `SQLDialect.eventOrderLock`).
    static func insertEvents(_ db: any SQLConnection, _ dialect: SQLDialect, _ records: StoreRecords, _ events: [FleetEvent]) throws {
        guard !events.isEmpty else { return }
        if let lock = dialect.eventOrderLock { try db.query(lock) }
        let now = records.clock.millisecondsSince1970
        for var event in events {
            event.time = now
            try db.query("INSERT INTO events (time, type, body) VALUES ($1, $2, $3)", [.integer(now), .text(event.type), try records.json(event)])
        }
    }

    func recordEvents(_ events: [FleetEvent]) async throws {
        try await transaction { [dialect, records] db in try Self.insertEvents(db, dialect, records, events) }
    }

    func events(after id: Int64, limit: Int) async throws -> [FleetEvent] {
        try await query("SELECT id, body FROM events WHERE id > $1 ORDER BY id LIMIT $2", [.integer(id), .integer(Int64(limit))])
            .map(records.event)
    }

    func latestEventID() async throws -> Int64 {
        try await query("SELECT COALESCE(MAX(id), 0) FROM events").first?.first?.int ?? 0
    }

    /// Keeps every event written at or after `time`, and the newest `keep` whatever their age;
    /// webhook deliveries given up before `time` go too.
    func pruneEvents(before time: Int64, keep: Int) async throws -> Int {
        try await query("DELETE FROM webhook_deliveries WHERE state = 'dead' AND create_at < $1", [.integer(time)])
        return try await query(
            "DELETE FROM events WHERE time < $1 AND id <= (SELECT COALESCE(MAX(id), 0) FROM events) - $2 RETURNING id",
            [.integer(time), .integer(Int64(keep))]
        ).count
    }
}

extension StoreRecords {
    /// An event from its `id, body` columns.
    func event(_ row: [SQLValue]) throws -> FleetEvent {
        var event = try WireJSON.decoder().decode(FleetEvent.self, from: Data((row[1].string ?? "").utf8))
        event.id = row[0].int ?? 0
        return event
    }
}
