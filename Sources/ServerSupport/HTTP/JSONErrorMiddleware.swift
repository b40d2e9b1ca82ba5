import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// Every error leaves as JSON: APIErrors as they are, Hummingbird's own (404 for unknown routes,
/// 413 for large bodies) translated, and anything unexpected as a 500 that is logged, never shown.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    private let routes: RouteTable

    public init(routes: RouteTable = RouteTable()) {
        self.routes = routes
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as any APIErrorConvertible {
            let apiError = error.apiError
            // A server-side failure (a database gone away) is logged as the client cannot see it.
            if apiError.status.kind == .serverError {
                context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            }
            return try apiError.response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = routes.methods(for: request.uri.path), !allowed.isEmpty else {
                return try APIError(.notFound, "no such endpoint: \(request.uri.path)").response(from: request, context: context)
            }
            var response = try APIError(.methodNotAllowed, "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: ", "))")
                .response(from: request, context: context)
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        } catch is NIOTooManyBytesError {
            // A route that collects its body with a smaller bound than JSON's (a sign-in form).
            return try APIError(.contentTooLarge, "request body is too large").response(from: request, context: context)
        } catch let error as HTTPError {
            let message = error.status == .contentTooLarge ? "request body is larger than 1 MiB" : (error.body ?? error.status.reasonPhrase)
            return try APIError(error.status, message).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return try APIError(.internalServerError, "internal error").response(from: request, context: context)
        }
    }
}
