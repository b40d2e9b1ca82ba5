import FleetAPI
import Foundation
public import Hummingbird
import NIOCore

/// Decodes a JSON request body, turning decoding failures into 400s that name the field.
public enum JSONRequest {
    public static let maxBodySize = 1 << 20

    public static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try decode(type, from: try await collect(request))
    }

    /// For requests whose body may be left out: nil when it is empty.
    public static func decodeIfPresent<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T? {
        let body = try await collect(request)
        return body.readableBytes == 0 ? nil : try decode(type, from: body)
    }

    /// The body as text, for documents that are not JSON alone (a profile may be YAML); 400 when
    /// it is not UTF-8.
    public static func text(from request: Request) async throws -> String {
        guard let text = String(validating: try await collect(request).readableBytesView, as: UTF8.self) else {
            throw APIError.badRequest("request body is not UTF-8 text")
        }
        return text
    }

    private static func collect(_ request: Request) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: maxBodySize)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "request body is larger than 1 MiB")
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        do {
            return try WireJSON.decoder().decode(type, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            throw badRequest(for: error)
        }
    }

    static func badRequest(for error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String? {
            let keys = (context.codingPath + (last.map { [$0] } ?? [])).map(WireJSON.wireName(of:))
            return keys.isEmpty ? nil : keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context, key) ?? WireJSON.wireName(of: key)
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
