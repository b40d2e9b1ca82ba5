import Crypto
import FleetAPI
import Foundation

/// What a delivery sends: the body in the webhook's format and the headers that go with it.
struct WebhookPayload: Sendable {
    var body: Data
    var headers: [(name: String, value: String)]

    /// - Parameter dashboard: the dashboard's base URL, for the link in chat formats.
    static func make(_ delivery: WebhookDelivery, for webhook: Webhook, dashboard: String) throws -> WebhookPayload {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body: Data
        switch webhook.format {
        case .json: body = try encoder.encode(delivery.event)
        case .mattermost, .slack: body = try encoder.encode(["text": text(delivery.event, format: webhook.format, dashboard: dashboard)])
        }
        var headers = [
            (name: "Content-Type", value: "application/json"),
            (name: "User-Agent", value: "cloud-webhooks/1"),
            (name: "X-Cloud-Event", value: delivery.event.type),
            // The same on every attempt, so a receiver can drop a repeat.
            (name: "X-Cloud-Delivery", value: "\(delivery.webhookID)-\(delivery.event.id)"),
        ]
        if let secret = webhook.secret {
            headers.append((name: "X-Signature-256", value: signature(body, secret: secret)))
        }
        return WebhookPayload(body: body, headers: headers)
    }

    /// `sha256=` and the hex HMAC-SHA256 of the body under the secret, as GitHub signs its webhooks.
    static func signature(_ body: Data, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// One line a person reads in a channel, with a link to the object's dashboard page.
    static func text(_ event: FleetEvent, format: Webhook.Format, dashboard: String) -> String {
        let icon =
            switch event.type {
            case "deployment.failed", "rollout.halted", "rollout.failed", "analysis.failed", "drift.detected", "provisioner.unhealthy": ":red_circle:"
            case "deployment.succeeded", "rollout.succeeded", "drift.resolved", "provisioner.healthy": ":large_green_circle:"
            default: ":large_blue_circle:"
            }
        let link = dashboard.hasSuffix("/") ? String(dashboard.dropLast()) + page(event) : dashboard + page(event)
        // Slack's links are <url|text>; Mattermost reads Markdown.
        let linked = format == .slack ? "<\(link)|open>" : "[open](\(link))"
        return "\(icon) \(escaped(event.summary, format: format)) \(linked)"
    }

    /// The dashboard page of what the event is about.
    static func page(_ event: FleetEvent) -> String {
        switch event.kind {
        case .deployment: "/ui/deployment/\(event.objectID)"
        case .rollout, .analysis: "/ui/rollout/\(event.objectID)"
        case .cluster, .drift: "/ui/cluster/\(event.clusterID ?? event.objectID)"
        case .provisioner, nil: "/ui/provisioners"
        }
    }

    /// Slack reads &, < and > as markup (its docs: "Escaping text"); Mattermost takes the text as is.
    private static func escaped(_ text: String, format: Webhook.Format) -> String {
        guard format == .slack else { return text }
        return text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">",
            with: "&gt;"
        )
    }
}
