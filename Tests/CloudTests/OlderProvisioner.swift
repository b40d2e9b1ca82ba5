import Foundation
import HTTPClient
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A provisioner as an older version serves its API: in front of a real one, it forwards every
/// request except those to routes that version did not have yet (`POST /api/checks`), which it
/// answers 404 as any unknown route is. For rolling upgrades: a newer cloud server must still work.
final class OlderProvisioner: Sendable {
    private final class Port: Sendable {
        let value = Mutex(0)
    }

    private let port = Port()
    private let task: Task<Void, any Error>

    init(inFrontOf base: String) async throws {
        let router = Router()
        let http = CurlHTTPClient()
        for method in [HTTPRequest.Method.get, .post, .delete] {
            // One catch-all route: the router does not fall back from a longer match to it.
            router.on("**", method: method) { request, _ -> Response in
                if method == .post, request.uri.path == "/api/checks" { return Response(status: .notFound) }
                let body = try await request.body.collect(upTo: 4 << 20)
                let answer = try await http.send(
                    HTTPClientRequest(
                        method: method.rawValue,
                        url: base + request.uri.description,
                        headers: [("Content-Type", "application/json")],
                        body: Data(body.readableBytesView),
                        timeout: .seconds(120)
                    )
                )
                return Response(
                    status: .init(code: answer.status),
                    headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
                )
            }
        }
        let port = self.port
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.value.withLock { $0 = channel.localAddress?.port ?? 0 } },
            logger: Logger(label: "older-provisioner", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        task = Task { try await app.run() }
        let deadline = ContinuousClock.now + .seconds(60)
        while port.value.withLock({ $0 }) == 0 {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    var url: String { "http://127.0.0.1:\(port.value.withLock { $0 })" }

    func stop() { task.cancel() }
}
