import FleetAPI
import Foundation

extension SQLStore {
    private static let webhookColumns =
        "id, url, secret, format, events, origin, create_at, last_error, last_error_at, last_delivered_at, "
        + "(SELECT COUNT(*) FROM webhook_deliveries AS d WHERE d.webhook_id = webhooks.id AND d.state = 'pending')"

    /// A new webhook gets the events from now on, not the log's past.
    func createWebhook(_ webhook: Webhook, audit: AuditEntry?) async throws {
        let values = try records.webhookValues(webhook)
        let auditValues = try audit.map(records.auditValues)
        try await transaction { db in
            try db.query(
                """
                INSERT INTO webhooks (id, url, secret, format, events, origin, create_at, event_cursor)
                VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT COALESCE(MAX(id), 0) FROM events))
                """,
                values
            )
            try Self.insertAudit(db, auditValues)
        }
    }

    func webhooks() async throws -> [Webhook] {
        try await query("SELECT \(Self.webhookColumns) FROM webhooks ORDER BY create_at, id").map(records.webhook)
    }

    func deleteWebhook(_ id: String, audit: AuditEntry?) async throws {
        let auditValues = try audit.map(records.auditValues)
        try await transaction { db in
            guard try !db.query("DELETE FROM webhooks WHERE id = $1 RETURNING id", [.text(id)]).isEmpty else {
                throw StoreError.notFound("webhook \(id)")
            }
            try db.query("DELETE FROM webhook_deliveries WHERE webhook_id = $1", [.text(id)])
            try Self.insertAudit(db, auditValues)
        }
    }

    /// The `--webhook` hooks become exactly `configured`: new ones added (from now on), those no
    /// longer configured removed with their deliveries. Those added through the API stay.
    func configureWebhooks(_ configured: [Webhook]) async throws {
        let rows = try configured.map(records.webhookValues)
        try await transaction { db in
            for row in rows {
                try db.query(
                    """
                    INSERT INTO webhooks (id, url, secret, format, events, origin, create_at, event_cursor)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT COALESCE(MAX(id), 0) FROM events))
                    ON CONFLICT (id) DO UPDATE SET secret = excluded.secret
                    """,
                    row
                )
            }
            let keep = Set(configured.map(\.id))
            for row in try db.query("SELECT id FROM webhooks WHERE origin = 'flag'") {
                guard let id = row[0].string, !keep.contains(id) else { continue }
                try db.query("DELETE FROM webhooks WHERE id = $1", [.text(id)])
                try db.query("DELETE FROM webhook_deliveries WHERE webhook_id = $1", [.text(id)])
            }
        }
    }

    /// Moves each webhook's cursor over the events written since, adding a delivery for each
    /// that passes its filter, in one transaction per webhook: every event is queued once, even
    /// with several servers doing this at once. Returns how many deliveries were added.
    func enqueueWebhookDeliveries(now: Int64, limit: Int) async throws -> Int {
        var added = 0
        for row in try await query("SELECT id FROM webhooks ORDER BY id") {
            guard let id = row[0].string else { continue }
            added += try await transaction { [dialect, records] db in
                guard let hook = try db.query("SELECT events, event_cursor FROM webhooks WHERE id = $1\(dialect.skipLocked)", [.text(id)]).first
                else { return 0 }
                let filter = EventFilter(types: StoreRecords.eventTypes(hook[0]))
                let events = try db.query("SELECT id, body FROM events WHERE id > $1 ORDER BY id LIMIT $2", [hook[1], .integer(Int64(limit))])
                    .map(records.event)
                guard let last = events.last else { return 0 }
                var count = 0
                for event in events where filter.matches(event) {
                    try db.query(
                        """
                        INSERT INTO webhook_deliveries (webhook_id, event_id, object_key, body, state, next_at, create_at)
                        VALUES ($1, $2, $3, $4, 'pending', $5, $5)
                        """,
                        [.text(id), .integer(event.id), .text(event.objectKey), try records.json(event), .integer(now)]
                    )
                    count += 1
                }
                try db.query("UPDATE webhooks SET event_cursor = $1 WHERE id = $2", [.integer(last.id), .text(id)])
                return count
            }
        }
        return added
    }

    /// Takes up to `limit` due deliveries for `owner` until `until`: each the oldest pending one
    /// of its (webhook, object), so one object's events reach an endpoint in order. Those `owner`
    /// holds are taken again: a pass ends before the next, so they are left over from a process
    /// with the same name that was killed (a SQLite server restarting).
    func claimWebhookDeliveries(owner: String, now: Int64, until: Int64, limit: Int) async throws -> [WebhookDelivery] {
        try await query(
            """
            UPDATE webhook_deliveries SET lease_owner = $1, lease_expires = $2, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM webhook_deliveries AS d
                WHERE state = 'pending' AND next_at <= $3 AND (lease_owner IS NULL OR lease_owner = $1 OR lease_expires < $3)
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries AS e WHERE e.webhook_id = d.webhook_id
                                  AND e.object_key = d.object_key AND e.state = 'pending' AND e.id < d.id)
                ORDER BY id LIMIT $4\(dialect.skipLocked))
            RETURNING id, webhook_id, body, attempts, create_at
            """,
            [.text(owner), .integer(until), .integer(now), .integer(Int64(limit))]
        ).map(records.delivery).sorted { $0.id < $1.id }
    }

    /// A taken delivery is removed; a failed one waits until `retryAt`, or with nil is given up.
    func finishWebhookDelivery(_ delivery: WebhookDelivery, at now: Int64, error: String?, retryAt: Int64?) async throws {
        try await transaction { db in
            if let error {
                if let retryAt {
                    try db.query(
                        "UPDATE webhook_deliveries SET next_at = $1, lease_owner = NULL, lease_expires = 0, last_error = $2 WHERE id = $3",
                        [.integer(retryAt), .text(error), .integer(delivery.id)]
                    )
                } else {
                    try db.query(
                        "UPDATE webhook_deliveries SET state = 'dead', lease_owner = NULL, last_error = $1 WHERE id = $2",
                        [.text(error), .integer(delivery.id)]
                    )
                }
                try db.query(
                    "UPDATE webhooks SET last_error = $1, last_error_at = $2 WHERE id = $3",
                    [.text(error), .integer(now), .text(delivery.webhookID)]
                )
            } else {
                try db.query("DELETE FROM webhook_deliveries WHERE id = $1", [.integer(delivery.id)])
                try db.query("UPDATE webhooks SET last_delivered_at = $1 WHERE id = $2", [.integer(now), .text(delivery.webhookID)])
            }
        }
    }
}

extension StoreRecords {
    /// id, url, secret, format, events, origin, create_at: the URL and secret sealed when a key is set.
    func webhookValues(_ webhook: Webhook) throws -> [SQLValue] {
        [
            .text(webhook.id), .text(try cipher?.seal(webhook.url) ?? webhook.url),
            try webhook.secret.map { .text(try cipher?.seal($0) ?? $0) } ?? .null,
            .text(webhook.format.rawValue), .text(webhook.filter.types.joined(separator: ",")), .text(webhook.origin.rawValue),
            .integer(webhook.createAt),
        ]
    }

    func webhook(_ row: [SQLValue]) throws -> Webhook {
        let url = row[1].string ?? ""
        var webhook = Webhook(
            id: row[0].string ?? "",
            url: try cipher?.open(url) ?? url,
            secret: try row[2].string.map { try cipher?.open($0) ?? $0 },
            format: Webhook.Format(rawValue: row[3].string ?? "") ?? .json,
            filter: EventFilter(types: Self.eventTypes(row[4])),
            origin: Webhook.Origin(rawValue: row[5].string ?? "") ?? .api,
            createAt: row[6].int ?? 0
        )
        webhook.health = Webhook.Health(
            lastError: row[7].string,
            lastErrorAt: row[8].int ?? 0,
            lastDeliveredAt: row[9].int ?? 0,
            pending: Int(row[10].int ?? 0)
        )
        return webhook
    }

    static func eventTypes(_ column: SQLValue) -> [String] {
        (column.string ?? "").split(separator: ",").map(String.init)
    }

    /// From `id, webhook_id, body, attempts, create_at`.
    func delivery(_ row: [SQLValue]) throws -> WebhookDelivery {
        // Queued from `StoreRecords.event`, so the body carries the event's own ID.
        let event = try WireJSON.decoder().decode(FleetEvent.self, from: Data((row[2].string ?? "").utf8))
        return WebhookDelivery(
            id: row[0].int ?? 0,
            webhookID: row[1].string ?? "",
            event: event,
            attempts: Int(row[3].int ?? 0),
            createAt: row[4].int ?? 0
        )
    }
}
