import Foundation
import Hummingbird
import Logging
import ServerSupport

/// Authenticates each request (when tokens are configured), checks its role against
/// `AccessPolicy`, and makes sure the audit log gets every mutating request and every 401 and 403.
///
/// It sits outside `JSONErrorMiddleware`, so every answer reaches it as a response with its final
/// status; its own 401 and 403 answers it renders itself.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = CloudRequestContext

    /// The caller's name when the server runs without tokens.
    static let anonymous = "anonymous"
    /// Paths can be long; the log keeps enough to read them, not an attacker's megabyte.
    static let maxPathLength = 512

    /// nil: the API is open and every caller is an anonymous admin.
    let tokens: LiveTokens?
    /// The audit log, and the sessions that ended before they expired.
    let store: any AuditStore & SessionStore
    /// Checks the dashboard's session cookie, a browser's stand-in for a token.
    let sessions: SessionCookie?
    /// Shared with `/login`: failed sign-ins count with bad tokens.
    let throttle: AuthThrottle
    /// The audit entries' time, and whether a session has expired.
    let clock: any WallClock

    init(
        tokens: LiveTokens?,
        store: any AuditStore & SessionStore,
        secureCookies: Bool = false,
        throttle: AuthThrottle = AuthThrottle(),
        clock: any WallClock = SystemClock()
    ) {
        self.tokens = tokens
        self.store = store
        sessions = tokens.map { SessionCookie(tokens: $0, secure: secureCookies) }
        self.throttle = throttle
        self.clock = clock
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if ProbePaths.open.contains(request.uri.path) || DashboardPaths.isOpen(request.uri.path) {
            return try await next(request, context)
        }
        var context = context
        var draft = AuditEntry(
            time: clock.millisecondsSince1970,
            actor: nil,
            role: nil,
            method: request.method.rawValue,
            path: String(request.uri.path.prefix(Self.maxPathLength)),
            targets: [],
            status: 0
        )
        let targets = context.parameters.get("id").map { [$0] } ?? []

        if let tokens {
            let header = request.headers[.authorization]
            if header == nil, let session = sessions?.session(fromCookieHeader: request.headers[.cookie], now: clock.now.date),
                await !hasEnded(session)
            {
                context.caller = TokenHolder(role: session.role, name: session.name)
                context.session = session
                // A page's script sends the session's CSRF token with each change; another site cannot read it.
                if !AccessPolicy.isReadOnly(request.method), request.headers[DashboardPaths.csrfHeader] != session.csrf {
                    draft.actor = session.name
                    draft.role = session.role
                    let error = APIError(.forbidden, "this change needs the page's X-CSRF-Token; reload the page")
                    return try await refuse(error, draft: draft, targets: targets, request: request, context: context)
                }
            } else {
                // A person opening a page without a session is sent to sign in (which says when a
                // held-up address may try again), not shown JSON. A browser sends pages no token:
                // one presented there is tried, counted and audited as on the API.
                let isPage = header == nil && DashboardPaths.isPage(request.uri.path)
                // A signed session is no guess, so only tokens are held up here.
                if let seconds = throttle.retryAfter(for: context.clientAddress) {
                    if isPage { return DashboardPaths.redirect(to: "/login") }
                    return try Self.tooManyFailures(retryAfter: seconds, request: request, context: context)
                }
                switch tokens.current.authenticate(header) {
                case .success(let holder): context.caller = holder
                case .failure(let error):
                    if isPage { return DashboardPaths.redirect(to: "/login") }
                    throttle.recordFailure(from: context.clientAddress, logger: context.logger)
                    return try await refuse(error, draft: draft, targets: targets, request: request, context: context)
                }
            }
        }
        draft.actor = context.caller.name
        draft.role = context.caller.role
        let needed = AccessPolicy.requiredRole(request.method, path: request.uri.path)
        guard context.caller.role >= needed else {
            let error = APIError(
                .forbidden,
                "this needs the \(needed.rawValue) role; token \(context.caller.name) has \(context.caller.role.rawValue)"
            )
            return try await refuse(error, draft: draft, targets: targets, request: request, context: context)
        }

        context.audit = AuditTrail(draft: draft)
        let response = try await next(request, context)
        // A failed change names only the object in its path: IDs a route made up for what it
        // would have created never existed.
        if !AccessPolicy.isReadOnly(request.method), !context.audit.isWritten {
            await record(draft, targets: targets, status: response.status, context: context)
        }
        return response
    }

    /// Signed out or revoked, on any server sharing the database. A store that cannot say ends
    /// it: the person signs in again, nobody gets in on a session that might have ended.
    private func hasEnded(_ session: SessionCookie.Session) async -> Bool {
        (try? await store.sessionEnded(session.id, holder: session.name, issuedAt: session.issuedAt)) ?? true
    }

    /// 429 with Retry-After, neither audited nor counted: the failure that reached the limit was.
    static func tooManyFailures(retryAfter seconds: Int64, request: Request, context: Context) throws -> Response {
        let error = APIError(.tooManyRequests, "too many failed authentications from this address; try again in \(seconds) s")
        var response = try error.response(from: request, context: context)
        response.headers[.retryAfter] = "\(seconds)"
        return response
    }

    private func refuse(_ error: APIError, draft: AuditEntry, targets: [String], request: Request, context: Context) async throws -> Response {
        await record(draft, targets: targets, status: error.status, context: context)
        return try error.response(from: request, context: context)
    }

    /// Writes an entry on its own. A failure is logged, not answered: the request's answer stands.
    private func record(_ draft: AuditEntry, targets: [String], status: HTTPResponse.Status, context: Context) async {
        var entry = draft
        entry.targets = targets
        entry.status = status.code
        await store.record(entry, logger: context.logger)
    }
}
