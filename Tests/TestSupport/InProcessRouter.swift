import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Synchronization

/// A server's router answering requests in this process, with its real middleware and error
/// bodies and no socket: route tests, as Hummingbird's own (HummingbirdTesting's router framework).
public struct InProcessRouter<Context: RequestContext>: Sendable {
    private let responder: RouterResponder<Context>
    private let makeContext: @Sendable () -> Context

    public init(_ router: Router<Context>, context makeContext: @escaping @Sendable () -> Context) {
        responder = router.buildResponder()
        self.makeContext = makeContext
    }

    public func request(
        _ method: HTTPRequest.Method, _ path: String, body: Data? = nil, token: String? = nil
    ) async throws -> ServerProcess.Reply {
        var head = HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path)
        if let token { head.headerFields[.authorization] = "Bearer \(token)" }
        if body != nil { head.headerFields[.contentType] = "application/json" }
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: body ?? Data())))
        let response = try await responder.respond(to: request, context: makeContext())
        let sink = Sink()
        try await response.body.write(Collector(sink: sink))
        return ServerProcess.Reply(status: response.status.code, body: sink.data.withLock { $0 })
    }

    public func post(_ path: String, json: some Encodable, token: String? = nil) async throws -> ServerProcess.Reply {
        try await request(.post, path, body: try JSONEncoder().encode(json), token: token)
    }
}

extension InProcessRouter where Context == BasicRequestContext {
    public init(_ router: Router<BasicRequestContext>) {
        self.init(router) { BasicRequestContext(source: .init(channel: EmbeddedChannel(), logger: Logger(label: "test"))) }
    }
}

private final class Sink: Sendable {
    let data = Mutex(Data())
}

private struct Collector: ResponseBodyWriter {
    let sink: Sink
    mutating func write(_ buffer: ByteBuffer) async throws { sink.data.withLock { $0.append(contentsOf: buffer.readableBytesView) } }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
