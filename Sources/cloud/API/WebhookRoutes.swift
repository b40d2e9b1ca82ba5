import FleetAPI
import Foundation
import Hummingbird
import ServerSupport

/// Webhooks: add, list (with how their deliveries go) and delete; admins only (`AccessPolicy`).
/// A hook's URL and secret go in and never come back out.
struct WebhookRoutes: Sendable {
    let store: any WebhookStore
    var clock: any WallClock = SystemClock()
    /// Where hooks may send (`--allowed-webhook-target`).
    var targets = AddressPolicy.webhooks

    func add(to router: Router<CloudRequestContext>) {
        router.post("/api/webhooks", use: create)
        router.get("/api/webhooks", use: list)
        router.delete("/api/webhook/:id", use: delete)
    }

    struct CreateRequest: Decodable {
        var url: String
        var format: String?
        /// Comma-separated, as `--events` takes them; empty or missing: every event.
        var events: String?
        var secret: String?
    }

    @Sendable func create(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let body = try await JSONRequest.decode(CreateRequest.self, from: request)
        let webhook = try Self.webhook(
            url: body.url,
            format: body.format,
            events: body.events,
            secret: body.secret,
            origin: .api,
            fields: (url: "URL", format: "Format", events: "Events", secret: "Secret"),
            createAt: clock.millisecondsSince1970,
            targets: targets
        )
        try await context.audit.recording(targets: [webhook.id], status: .created) { entry in
            try await store.createWebhook(webhook, audit: entry)
        }
        return try JSONResponse.make(.created, WebhookView(webhook))
    }

    @Sendable func list(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try JSONResponse.make(.ok, try await store.webhooks().map(WebhookView.init))
    }

    @Sendable func delete(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        try await context.audit.recording(targets: [id], status: .noContent) { entry in
            try await store.deleteWebhook(id, audit: entry)
        }
        return Response(status: .noContent)
    }

    /// A checked webhook from the API's fields or the server's flags (`fields` names them).
    static func webhook(
        url: String,
        format: String?,
        events: String?,
        secret: String?,
        origin: Webhook.Origin,
        fields: (url: String, format: String, events: String, secret: String),
        createAt: Int64,
        targets: AddressPolicy
    ) throws(APIError) -> Webhook {
        let url = try Webhook.validatedURL(url, field: fields.url, reaching: targets)
        guard let format = Webhook.Format(rawValue: format ?? "json") else {
            throw .badRequest("\(fields.format) must be json, mattermost or slack", field: fields.format)
        }
        let filter = try EventFilter.parse(events, field: fields.events)
        if let secret, secret.isEmpty || secret.unicodeScalars.count > 256 {
            throw .badRequest("\(fields.secret) must be 1 to 256 characters", field: fields.secret)
        }
        let id = origin == .flag ? Webhook.configuredID(url: url, format: format, filter: filter) : ID.make()
        return Webhook(id: id, url: url, secret: secret, format: format, filter: filter, origin: origin, createAt: createAt)
    }
}
