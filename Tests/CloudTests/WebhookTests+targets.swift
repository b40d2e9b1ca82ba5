import FleetAPI
import Foundation
import Logging
import TestSupport
import Testing

@testable import cloud

extension WebhookTests {
    /// This host's name resolves to an address on this host (loopback, or a private one in a
    /// container): the DNS rebinding case, a name that passes as written.
    func ownHostURL(of receiver: WebhookReceiver) -> String {
        receiver.url.replacingOccurrences(of: "127.0.0.1", with: ProcessInfo.processInfo.hostName)
    }

    @Test("a delivery to a name that resolves to a refused address is not sent, and the webhook shows why")
    func resolvedToRefusedAddress() async throws {
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        let webhook = try await hook(ownHostURL(of: receiver))
        try await store.recordEvents([.provisionerHealth("http://p1", healthy: false)])
        let sender = WebhookSender(
            store: store,
            owner: "test",
            configuration: .init(dashboard: "https://cloud.example.com", targets: .webhooks),
            logger: Logger(label: "test")
        )

        let shown = try await eventually {
            await sender.pass()
            return try await store.webhooks().first { $0.id == webhook.id }?.health.lastError?.hasPrefix("refused:") == true
        }

        #expect(shown)
        #expect(receiver.received.isEmpty)
    }

    @Test("a delivery to a name the policy allows is sent to the address it resolved to")
    func resolvedAndPinned() async throws {
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        _ = try await hook(ownHostURL(of: receiver))
        try await store.recordEvents([.provisionerHealth("http://p1", healthy: false)])

        try await deliver(sender(), receiver) { $0.count == 1 }
    }
}
