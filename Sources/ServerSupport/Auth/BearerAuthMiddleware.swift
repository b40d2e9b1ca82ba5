public import Hummingbird

/// Requires `Authorization: Bearer <token>` with one of the accepted tokens on every path but the
/// probes. Every accepted token has full access (the provisioner's API has no roles).
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let tokens: BearerTokens<Void>
    private let openPaths: Set<String>

    public init(tokens: [String], openPaths: Set<String> = ProbePaths.open) {
        self.tokens = BearerTokens(tokens.map { ($0, ()) })
        self.openPaths = openPaths
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if openPaths.contains(request.uri.path) { return try await next(request, context) }
        switch tokens.authenticate(request.headers[.authorization]) {
        case .success: return try await next(request, context)
        case .failure(let error): throw error
        }
    }
}
