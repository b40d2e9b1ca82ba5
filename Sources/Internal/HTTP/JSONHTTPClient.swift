import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small JSON-over-HTTP client with a timeout on every call, shared by the cloud server (talking
/// to provisioners) and the CLI (talking to the cloud server).
public struct JSONHTTPClient: Sendable {
    public var baseURL: String
    public var timeout: TimeInterval

    public init(baseURL: String, timeout: TimeInterval = 10) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
    }

    public struct Reply: Sendable {
        public var status: Int
        public var body: Data

        public func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: body) }

        /// The `{"Error": ..., "Field": ...}` body of a failed call, when there is one.
        public var apiError: APIError.Body? { try? JSONDecoder().decode(APIError.Body.self, from: body) }
    }

    public struct Unreachable: Error, CustomStringConvertible {
        public var url: String
        public var reason: String
        public var description: String { "cannot reach \(url): \(reason)" }
    }

    public func send(_ method: String, _ path: String, body: Data? = nil) async throws(Unreachable) -> Reply {
        guard let url = URL(string: baseURL + path) else { throw Unreachable(url: baseURL + path, reason: "invalid URL") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
        } catch {
            throw Unreachable(url: baseURL, reason: (error as NSError).localizedDescription)
        }
    }

    public func send(_ method: String, _ path: String, json: some Encodable) async throws -> Reply {
        try await send(method, path, body: try JSONEncoder().encode(json))
    }
}
