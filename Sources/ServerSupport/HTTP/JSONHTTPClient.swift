import FleetAPI
public import Foundation
public import HTTPClient
import Telemetry
import Tracing

/// A small JSON-over-HTTP client (libcurl underneath) with a timeout on every call, shared by the
/// cloud server (talking to provisioners) and the CLI (talking to the cloud server).
public struct JSONHTTPClient: Sendable {
    public var baseURL: String
    public var timeout: TimeInterval
    /// Sent as `Authorization: Bearer ...` when set.
    public var bearerToken: String?
    /// For https: the CA to verify the server with, beyond the system's.
    public var tls: TLSOptions
    /// The address to connect to instead of resolving the URL's host (see `HTTPClientRequest`).
    public var address: String?
    /// Calls one after another reuse one connection.
    private let http = CurlHTTPClient(connection: CurlConnection())

    public init(
        baseURL: String,
        timeout: TimeInterval = 10,
        bearerToken: String? = nil,
        tls: TLSOptions = TLSOptions(),
        address: String? = nil
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
        self.bearerToken = bearerToken
        self.tls = tls
        self.address = address
    }

    public struct Reply: Sendable {
        public var status: Int
        public var body: Data

        public func decode<T: Decodable>(_ type: T.Type) throws -> T { try WireJSON.decoder().decode(type, from: body) }

        /// The `{"Error": ..., "Field": ...}` body of a failed call, when there is one.
        public var apiError: APIError.Body? { try? WireJSON.decoder().decode(APIError.Body.self, from: body) }
    }

    public struct Unreachable: Error, CustomStringConvertible {
        public var url: String
        public var reason: String
        public var description: String { "cannot reach \(url): \(reason)" }
    }

    public func send(_ method: String, _ path: String, body: Data? = nil) async throws(Unreachable) -> Reply {
        var headers: [(name: String, value: String)] = body == nil ? [] : [("Content-Type", "application/json")]
        if let bearerToken { headers.append(("Authorization", "Bearer \(bearerToken)")) }
        // The caller's span, so the server's work joins its trace.
        if let trace = InstrumentationContext.current?.trace { headers.append(("traceparent", trace.traceparent)) }
        let request = HTTPClientRequest(
            method: method,
            url: baseURL + path,
            headers: headers,
            body: body ?? Data(),
            timeout: .milliseconds(Int(timeout * 1000)),
            address: address
        )
        do {
            let response = try await http.send(request, tls: tls)
            return Reply(status: response.status, body: response.body)
        } catch {
            throw Unreachable(url: baseURL, reason: error.reason)
        }
    }

    public func send(_ method: String, _ path: String, json: some Encodable) async throws -> Reply {
        try await send(method, path, body: try WireJSON.encoder().encode(json))
    }
}
