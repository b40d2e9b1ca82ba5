import Foundation
import HTTPTypes
import Synchronization
import Hummingbird
import NIOCore

/// An error a client can act on: an HTTP status and a JSON body `{"Error": "...", "Field": "..."}`
/// naming the offending field when there is one.
public struct APIError: HTTPResponseError, Equatable {
    public var status: HTTPResponse.Status
    public var message: String
    public var field: String?

    public init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil) {
        self.status = status
        self.message = message
        self.field = field
    }

    public static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, message, field: field)
    }

    public static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
    public static func conflict(_ message: String) -> APIError { APIError(.conflict, message) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse.make(status, Body(error: message, field: field))
    }

    /// The wire form, shared with clients that decode it.
    public struct Body: Codable, Sendable, Equatable {
        public var error: String
        public var field: String?

        public init(error: String, field: String?) {
            self.error = error
            self.field = field
        }

        enum CodingKeys: String, CodingKey {
            case error = "Error", field = "Field"
        }
    }
}

/// The routes a router serves, by path template, so an unknown method on a known path can answer
/// 405 with `Allow` rather than 404.
public final class RouteTable: Sendable {
    private let templates = Mutex<[(segments: [Substring], method: String)]>([])

    public init() {}

    func record(_ routes: [(method: String, path: String)]) {
        templates.withLock { $0 = routes.map { (Self.segments($0.path), $0.method) } }
    }

    /// The methods served at `path`, or nil when no route has that shape.
    func methods(for path: String) -> [String]? {
        let requested = Self.segments(path)
        let matching = templates.withLock { templates in
            templates.filter { template in
                template.segments.count == requested.count
                    && zip(template.segments, requested).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
            }.map(\.method)
        }
        return matching.isEmpty ? nil : Array(Set(matching)).sorted()
    }

    private static func segments(_ path: String) -> [Substring] { path.split(separator: "/") }
}

/// Domain errors that know which API error they are (e.g. a store's "not found").
public protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}

public enum JSONResponse {
    public static func make(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Every error leaves as JSON: APIErrors as they are, Hummingbird's own (404 for unknown routes,
/// 413 for large bodies) translated, and anything unexpected as a 500 that is logged, never shown.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    private let routes: RouteTable

    public init(routes: RouteTable = RouteTable()) {
        self.routes = routes
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as any APIErrorConvertible {
            return try error.apiError.response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = routes.methods(for: request.uri.path), !allowed.isEmpty else {
                return try APIError(.notFound, "no such endpoint: \(request.uri.path)").response(from: request, context: context)
            }
            var response = try APIError(.methodNotAllowed, "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: ", "))")
                .response(from: request, context: context)
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        } catch let error as HTTPError {
            let message = error.status == .contentTooLarge ? "request body is larger than 1 MiB" : (error.body ?? error.status.reasonPhrase)
            return try APIError(error.status, message).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return try APIError(.internalServerError, "internal error").response(from: request, context: context)
        }
    }
}

/// Decodes a JSON request body, turning decoding failures into 400s that name the field.
public enum JSONRequest {
    public static let maxBodySize = 1 << 20

    public static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodySize)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "request body is larger than 1 MiB")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(buffer: body))
        } catch let error as DecodingError {
            throw badRequest(for: error)
        }
    }

    static func badRequest(for error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String? {
            let keys = (context.codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? nil : keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context, key) ?? key.stringValue
            return .badRequest("\(field) is required", field: field)
        case .valueNotFound(_, let context):
            let field = path(context)
            return .badRequest("\(field ?? "request body") must not be null", field: field)
        case .typeMismatch(let type, let context):
            guard let field = path(context) else { return .badRequest("request body must be a JSON object") }
            return .badRequest("\(field) must be \(describe(type))", field: field)
        case .dataCorrupted(let context):
            guard let field = path(context) else { return .badRequest("request body is not valid JSON") }
            return .badRequest("\(field) is invalid: \(context.debugDescription)", field: field)
        @unknown default:
            return .badRequest("request body is invalid")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}
