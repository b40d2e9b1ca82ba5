import Crypto
import FleetAPI
import Foundation
import ServerSupport

/// Where matching events are POSTed. Its URL and secret are kept (encrypted under
/// `--secret-key-file`) but never answered: a Slack or Mattermost incoming-webhook URL is itself a
/// credential, so the API shows only its scheme and host (`Target`).
struct Webhook: Sendable, Equatable {
    enum Format: String, Codable, Sendable, CaseIterable {
        /// The event as JSON (`FleetEvent`), signed when there is a secret.
        case json
        /// `{"text": ...}`: a line and a link, as Mattermost's and Slack's incoming webhooks take it.
        case mattermost, slack
    }

    /// Added through the API, or configured by `--webhook` (kept in step with the flags at start-up).
    enum Origin: String, Codable, Sendable {
        case api, flag
    }

    var id: String
    var url: String
    var secret: String?
    var format: Format
    var filter: EventFilter
    var origin: Origin
    var createAt: Int64
    var health = Health()

    /// How its deliveries are going, for `cloud webhook list`.
    struct Health: Codable, Sendable, Equatable {
        var lastError: String?
        var lastErrorAt: Int64 = 0
        var lastDeliveredAt: Int64 = 0
        /// Deliveries not yet taken by the endpoint.
        var pending = 0

        enum CodingKeys: String, CodingKey {
            case lastError
            case lastErrorAt
            case lastDeliveredAt
            case pending
        }
    }

    /// The URL as shown: scheme and host only.
    var target: String { Self.target(of: url) }

    static func target(of url: String) -> String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else { return "(invalid URL)" }
        return "\(scheme)://\(host)\(parts.port.map { ":\($0)" } ?? "")/…"
    }

    /// A webhook URL is checked before it is kept (`OutboundURL`); without `policy` (the
    /// dashboard's own address) only its form.
    static func validatedURL(_ text: String, field: String, reaching policy: AddressPolicy? = nil) throws(APIError) -> String {
        try OutboundURL.validated(text, field: field, policy: policy, flag: "--allowed-webhook-target", credentials: "use a secret for signing")
    }

    /// A configured (`--webhook`) hook's ID follows from what configures it, so every server
    /// sharing a database with the same flags names it alike.
    static func configuredID(url: String, format: Format, filter: EventFilter) -> String {
        let digest = SHA256.hash(data: Data("\(url)\n\(format.rawValue)\n\(filter.types.joined(separator: ","))".utf8))
        return "flag-" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

/// A webhook as the API answers it.
struct WebhookView: Codable, Sendable, Equatable {
    var id: String
    var target: String
    var format: Webhook.Format
    var events: [String]
    var signed: Bool
    var origin: Webhook.Origin
    var createAt: Int64
    var health: Webhook.Health

    init(_ webhook: Webhook) {
        id = webhook.id
        target = webhook.target
        format = webhook.format
        events = webhook.filter.types
        signed = webhook.secret != nil
        origin = webhook.origin
        createAt = webhook.createAt
        health = webhook.health
    }
}

/// One event on its way to one webhook.
struct WebhookDelivery: Sendable, Equatable {
    var id: Int64
    var webhookID: String
    var event: FleetEvent
    var attempts: Int
    var createAt: Int64
}
