import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A webhook endpoint on loopback: records what arrives (header names lowercased) and answers each
/// request with the status `answer` gives for it, from what arrived before and its body, as a
/// flaky or dead endpoint would.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var headers: [String: String]
        var body: Data
        var status: Int

        var event: FleetEventProbe? { try? JSONDecoder().decode(FleetEventProbe.self, from: body) }
    }

    /// The fields a test reads back from a JSON delivery.
    struct FleetEventProbe: Decodable, Sendable {
        var ID: Int64
        var `Type`: String
        var ObjectID: String
    }

    private final class Log: Sendable {
        let state = Mutex<(received: [Received], port: Int)>(([], 0))
    }

    private let log = Log()
    private let task: Task<Void, any Error>

    init(answer: @escaping @Sendable (_ before: [Received], _ body: Data) -> Int = { _, _ in 200 }) async throws {
        let log = self.log
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let status = log.state.withLock { state in
                let status = answer(state.received, Data(body.readableBytesView))
                state.received.append(Received(headers: headers, body: Data(body.readableBytesView), status: status))
                return status
            }
            return Response(status: .init(code: status))
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in log.state.withLock { $0.port = channel.localAddress?.port ?? 0 } },
            logger: Logger(label: "webhook-receiver", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        task = Task { try await app.run() }
        // A loaded test host can take seconds to schedule the server's start.
        let deadline = ContinuousClock.now + .seconds(60)
        while log.state.withLock({ $0.port }) == 0 {
            guard ContinuousClock.now < deadline else { throw Timeout(what: "the receiver to listen", received: 0) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    var url: String { "http://127.0.0.1:\(log.state.withLock { $0.port })/hook" }
    var received: [Received] { log.state.withLock { $0.received } }
    /// What it took (answered 2xx).
    var taken: [Received] { received.filter { (200..<300).contains($0.status) } }

    /// Until `condition` holds for what has arrived, or 90 s.
    func waitFor(_ what: String, _ condition: ([Received]) -> Bool) async throws -> [Received] {
        let deadline = ContinuousClock.now + .seconds(90)
        while !condition(received) {
            guard ContinuousClock.now < deadline else { throw Timeout(what: what, received: received.count) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return received
    }

    struct Timeout: Error {
        var what: String
        var received: Int
    }

    func stop() { task.cancel() }
}
