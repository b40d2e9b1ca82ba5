import FleetAPI
import Foundation
import HTTPClient
import Logging
import ServerSupport
import ServiceLifecycle

/// Delivers the outbox: each pass queues the new events for every webhook, takes the due
/// deliveries (leased, so servers sharing a database never send one twice at once, and one
/// killed mid-send is retried after the lease), and POSTs them, several at a time. A failure is
/// retried with a doubling wait until a day after the event; then the delivery is given up and
/// the webhook shows why. It runs beside the supervisor and the API and never holds them up.
final class WebhookSender: Service, Sendable {
    struct Configuration: Sendable {
        var poll: Duration = .seconds(1)
        /// How long a delivery is this server's once taken; longer than `timeout`.
        var lease: Duration = .seconds(60)
        var timeout: Duration = .seconds(10)
        var firstRetry: Duration = .seconds(1)
        var maxRetryWait: Duration = .seconds(300)
        var giveUpAfter: Duration = .seconds(24 * 3600)
        var concurrency = 8
        /// The dashboard's base URL, for the links in chat messages.
        var dashboard: String
        /// Where deliveries may connect: each resolves its host and sends to the address checked.
        var targets = AddressPolicy.webhooks
    }

    let store: any WebhookStore
    let owner: String
    let configuration: Configuration
    let logger: Logger
    let clock: any WallClock
    private let client = CurlHTTPClient(connectTimeout: .seconds(5))

    init(store: any WebhookStore, owner: String, configuration: Configuration, clock: any WallClock = SystemClock(), logger: Logger) {
        self.store = store
        self.owner = owner
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let sent = await pass()
            // A full batch means more are due: go on at once.
            if sent < configuration.concurrency * 4 {
                _ = try? await cancelWhenGracefulShutdown { try await self.clock.sleep(for: self.configuration.poll) }
            }
        }
    }

    /// Queues and sends what is due; returns how many deliveries it tried.
    @discardableResult
    func pass() async -> Int {
        let now = clock.millisecondsSince1970
        do {
            _ = try await store.enqueueWebhookDeliveries(now: now, limit: 1000)
            let due = try await store.claimWebhookDeliveries(
                owner: owner,
                now: now,
                until: now + configuration.lease.milliseconds,
                limit: configuration.concurrency * 4
            )
            guard !due.isEmpty else { return 0 }
            let hooks = Dictionary(uniqueKeysWithValues: try await store.webhooks().map { ($0.id, $0) })
            await withTaskGroup(of: Void.self) { group in
                for (index, delivery) in due.enumerated() {
                    if index >= configuration.concurrency { await group.next() }
                    guard let hook = hooks[delivery.webhookID] else { continue }
                    group.addTask { await self.send(delivery, to: hook) }
                }
            }
            return due.count
        } catch {
            logger.error("webhook pass failed", metadata: ["error": "\(error)"])
            return 0
        }
    }

    private func send(_ delivery: WebhookDelivery, to hook: Webhook) async {
        let failure: String?
        do {
            let payload = try WebhookPayload.make(delivery, for: hook, dashboard: configuration.dashboard)
            let address = try await configuration.targets.resolve(try URLTarget(parsing: hook.url))
            let request = HTTPClientRequest(
                method: "POST",
                url: hook.url,
                headers: payload.headers,
                body: payload.body,
                timeout: configuration.timeout,
                address: address.description,
                // Only the status counts: an endpoint answering at length takes no memory.
                discardsBody: true
            )
            let response = try await client.send(request)
            failure = (200..<300).contains(response.status) ? nil : "the endpoint answered \(response.status)"
        } catch let error as HTTPTransportError {
            // Its description holds the URL, which may be a credential: only the reason is kept.
            failure = error.timedOut ? "no answer within \(configuration.timeout)" : error.reason
        } catch let error as AddressPolicy.Refusal {
            failure = "refused: \(error)"
        } catch {
            failure = "\(error)"
        }
        let now = clock.millisecondsSince1970
        var retryAt: Int64?
        if failure != nil {
            let wait = Self.retryWait(after: delivery.attempts, first: configuration.firstRetry, max: configuration.maxRetryWait)
            let next = now + wait.milliseconds
            if next < delivery.createAt + configuration.giveUpAfter.milliseconds { retryAt = next }
            logger.warning(
                retryAt == nil ? "webhook delivery given up" : "webhook delivery failed; will retry",
                metadata: [
                    "webhook": "\(hook.id)", "target": "\(hook.target)", "event": "\(delivery.event.id)", "attempts": "\(delivery.attempts)",
                    "error": "\(failure ?? "")",
                ]
            )
        }
        do {
            try await store.finishWebhookDelivery(delivery, at: now, error: failure, retryAt: retryAt)
        } catch {
            // The lease runs out and the delivery is sent again: at least once.
            logger.error("webhook delivery not recorded", metadata: ["webhook": "\(hook.id)", "error": "\(error)"])
        }
    }

    /// `first`, doubled per attempt so far, at most `max`.
    static func retryWait(after attempts: Int, first: Duration, max: Duration) -> Duration {
        let doublings = Swift.min(Swift.max(attempts - 1, 0), 20)
        return Swift.min(first * (1 << doublings), max)
    }
}
