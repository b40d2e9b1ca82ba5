import FleetAPI
public import Foundation
public import HTTPTypes
public import Hummingbird
import HummingbirdTesting
import NIOCore

/// A server's router answering requests in this process, with its real middleware and error
/// bodies and no socket: route tests through HummingbirdTesting's router framework, as
/// Hummingbird tests its own routes.
public struct InProcessRouter<Context: RequestContext>: Sendable
where Context: InitializableFromSource<ApplicationRequestContextSource> {
    private let application: Application<RouterResponder<Context>>

    public init(_ router: Router<Context>) {
        application = Application(router: router)
    }

    public func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        body: Data? = nil,
        token: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> ServerProcess.Reply {
        var fields = extra
        if let token { fields[.authorization] = "Bearer \(token)" }
        if body != nil { fields[.contentType] = "application/json" }
        let headers = fields
        let buffer = body.map { ByteBuffer(bytes: $0) }
        return try await application.test(.router) { client in
            let response = try await client.execute(uri: path, method: method, headers: headers, body: buffer)
            var reply = ServerProcess.Reply(status: response.status.code, body: Data(response.body.readableBytesView))
            for field in response.headers { reply.headers[field.name.canonicalName.lowercased()] = field.value }
            return reply
        }
    }

    public func post(_ path: String, json: some Encodable, token: String? = nil) async throws -> ServerProcess.Reply {
        try await request(.post, path, body: try WireJSON.encoder().encode(json), token: token)
    }
}
