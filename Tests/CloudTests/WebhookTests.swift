import Crypto
import FleetAPI
import Foundation
import HTTPTypes
import Logging
import TestSupport
import Testing

@testable import cloud

/// Webhook delivery from the outbox to a local receiver, in-process: signatures, formats,
/// retries, giving up, ordering per object and filters; and the webhook API's refusals.
@Suite("Webhooks")
struct WebhookTests {
    let store: SQLStore

    init() async throws {
        store = try await SQLStore(sqlite: "\(try Testbed.makeScratchDirectory())/cloud.db")
    }

    func sender(firstRetry: Duration = .milliseconds(10), giveUpAfter: Duration = .seconds(3600)) -> WebhookSender {
        WebhookSender(
            store: store,
            owner: "test",
            configuration: .init(
                firstRetry: firstRetry,
                giveUpAfter: giveUpAfter,
                dashboard: "https://cloud.example.com",
                targets: .testbedWebhooks
            ),
            logger: Logger(label: "test")
        )
    }

    func hook(_ url: String, format: Webhook.Format = .json, events: [String] = [], secret: String? = nil) async throws -> Webhook {
        let webhook = Webhook(
            id: ID.make(),
            url: url,
            secret: secret,
            format: format,
            filter: EventFilter(types: events),
            origin: .api,
            createAt: 1
        )
        try await store.createWebhook(webhook, audit: nil)
        return webhook
    }

    /// Passes until `condition` holds for the receiver, or 90 s (a loaded host runs the passes slowly).
    func deliver(_ sender: WebhookSender, _ receiver: WebhookReceiver, until condition: ([WebhookReceiver.Received]) -> Bool) async throws {
        let delivered = await eventually(timeout: .seconds(90)) {
            if condition(receiver.received) { return true }
            await sender.pass()
            return false
        }
        guard delivered else { throw WebhookReceiver.Timeout(what: "deliveries", received: receiver.received.count) }
    }

    @Test("a JSON delivery is the event, signed with HMAC-SHA256 of its body under the secret")
    func signedJSON() async throws {
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        _ = try await hook(receiver.url, secret: "s3cret")
        try await store.recordEvents([.provisionerHealth("http://p1", healthy: false)])

        try await deliver(sender(), receiver) { $0.count == 1 }
        let delivery = receiver.received[0]
        let mac = HMAC<SHA256>.authenticationCode(for: delivery.body, using: SymmetricKey(data: Data("s3cret".utf8)))
        #expect(delivery.headers["x-signature-256"] == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
        #expect(delivery.headers["x-cloud-event"] == "provisioner.unhealthy")
        #expect(delivery.event?.Type == "provisioner.unhealthy" && delivery.event?.ObjectID == "http://p1")
        #expect(delivery.headers["x-cloud-delivery"] != nil)
    }

    @Test("the Mattermost format is a line of text with a link to the object's dashboard page; Slack's escapes its markup")
    func chatFormats() async throws {
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        _ = try await hook(receiver.url, format: .mattermost)
        _ = try await hook(receiver.url, format: .slack)
        try await store.createCluster(Cluster(id: "c1", name: "a<b>", labels: [], utilities: .init(), createAt: 1), kubeconfig: .inline("k"))

        try await deliver(sender(), receiver) { $0.count == 2 }
        let texts = try receiver.received.map { try WireJSON.decoder().decode([String: String].self, from: $0.body)["text"] ?? "" }.sorted()
        #expect(texts.contains(":large_blue_circle: cluster a<b> (c1) registered [open](https://cloud.example.com/ui/cluster/c1)"), "\(texts)")
        #expect(texts.contains(":large_blue_circle: cluster a&lt;b&gt; (c1) registered <https://cloud.example.com/ui/cluster/c1|open>"), "\(texts)")
        #expect(receiver.received.allSatisfy { $0.headers["x-signature-256"] == nil }, "no secret, no signature")
    }

    @Test("a delivery answered 500 is sent again until taken, and the webhook shows the last error meanwhile")
    func retriesAfterFailures() async throws {
        let receiver = try await WebhookReceiver { before, _ in before.count < 2 ? 500 : 204 }
        defer { receiver.stop() }
        let webhook = try await hook(receiver.url)
        try await store.recordEvents([.provisionerHealth("http://p1", healthy: false)])
        let sender = sender()

        try await deliver(sender, receiver) { $0.count == 1 }
        let failing = try await store.webhooks().first { $0.id == webhook.id }
        #expect(failing?.health.lastError == "the endpoint answered 500" && failing?.health.pending == 1)

        try await deliver(sender, receiver) { $0.count == 3 }
        #expect(Set(receiver.received.map { $0.headers["x-cloud-delivery"] ?? "" }).count == 1, "every attempt is the same delivery")
        let healthy = try await store.webhooks().first { $0.id == webhook.id }
        #expect(healthy?.health.pending == 0 && (healthy?.health.lastDeliveredAt ?? 0) > 0)
    }

    @Test("one object's events arrive in order, while other objects' go on past a retried one")
    func orderPerObject() async throws {
        // p1's first event fails once.
        let receiver = try await WebhookReceiver { before, body in
            let text = String(decoding: body, as: UTF8.self)
            return text.contains("http://p1") && text.contains("unhealthy") && !before.contains { $0.body == body } ? 503 : 200
        }
        defer { receiver.stop() }
        _ = try await hook(receiver.url)
        try await store.recordEvents([.provisionerHealth("http://p1", healthy: false)])
        try await store.recordEvents([.provisionerHealth("http://p1", healthy: true), .provisionerHealth("http://p2", healthy: false)])

        try await deliver(sender(firstRetry: .milliseconds(300)), receiver) { $0.filter { $0.status == 200 }.count == 3 }
        let taken = receiver.taken.compactMap(\.event)
        let p1 = taken.filter { $0.ObjectID == "http://p1" }.map(\.Type)
        #expect(p1 == ["provisioner.unhealthy", "provisioner.healthy"])
        #expect(taken.first?.ObjectID == "http://p2", "p2 did not wait for p1's retry")
    }

    @Test("a delivery failing past the give-up time is dropped, shown as the last error, and the object's next event goes")
    func givesUp() async throws {
        let receiver = try await WebhookReceiver { before, _ in before.isEmpty ? 500 : 200 }
        defer { receiver.stop() }
        let webhook = try await hook(receiver.url)
        try await store.recordEvents([.provisionerHealth("http://p1", healthy: false)])
        try await store.recordEvents([.provisionerHealth("http://p1", healthy: true)])

        try await deliver(sender(giveUpAfter: .zero), receiver) { $0.count == 2 }
        #expect(receiver.taken.compactMap(\.event).map(\.Type) == ["provisioner.healthy"])
        let shown = try await store.webhooks().first { $0.id == webhook.id }
        #expect(shown?.health.lastError == "the endpoint answered 500" && shown?.health.pending == 0)
    }

    @Test("a hook gets only the events its filter names, and only those written after it was added")
    func filtersAndStartsNow() async throws {
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        try await store.recordEvents([.provisionerHealth("http://old", healthy: false)])
        _ = try await hook(receiver.url, events: ["provisioner.healthy", "rollout.*"])
        try await store.recordEvents([.provisionerHealth("http://p1", healthy: false), .provisionerHealth("http://p1", healthy: true)])

        try await deliver(sender(), receiver) { $0.count == 1 }
        for _ in 0..<5 { await sender().pass() }
        #expect(receiver.received.compactMap(\.event).map(\.Type) == ["provisioner.healthy"])
    }
}
