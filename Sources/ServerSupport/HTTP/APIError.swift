import Foundation
public import HTTPTypes
public import Hummingbird

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
    }
}
