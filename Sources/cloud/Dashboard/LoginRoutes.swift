import Foundation
import Hummingbird
import Logging
import ServerSupport

/// `/login` turns an API token into a session cookie (the token itself is never stored in the
/// browser); `/logout` ends the session and clears it. Without tokens configured there is nothing
/// to sign in to.
struct LoginRoutes: Sendable {
    let templates: DashboardTemplates
    let sessions: SessionCookie?
    let throttle: AuthThrottle
    /// A failed sign-in is a guessed token like any other: audited as a 401. A sign-out ends the
    /// session there, for every server.
    let store: any AuditStore & SessionStore
    let clock: any WallClock

    struct LoginPage: Sendable {
        var failed = false
        /// Seconds until this address may try again, after too many failures.
        var retryAfter: String?
    }

    func add(to router: Router<CloudRequestContext>) {
        router.get("/login") { _, _ in
            sessions == nil ? DashboardPaths.redirect(to: "/") : templates.page("login", LoginPage())
        }
        router.post("/login", use: login)
        router.post("/logout", use: logout)
    }

    @Sendable func login(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard let sessions else { return DashboardPaths.redirect(to: "/") }
        if let seconds = throttle.retryAfter(for: context.clientAddress) {
            var page = templates.page("login", LoginPage(retryAfter: "\(seconds)"), status: .tooManyRequests)
            page.headers[.retryAfter] = "\(seconds)"
            return page
        }
        struct Form: Decodable { var token: String }
        let body = try await request.body.collect(upTo: 16 * 1024)
        let token = try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body)).token
        guard let token, case .success(let holder) = sessions.tokens.current.authenticate("Bearer \(token)") else {
            context.logger.notice("dashboard sign-in refused")
            throttle.recordFailure(from: context.clientAddress, logger: context.logger)
            let refusal = AuditEntry(time: clock.millisecondsSince1970, method: "POST", path: "/login", targets: [], status: 401)
            await store.record(refusal, logger: context.logger)
            return templates.page("login", LoginPage(failed: true), status: .unauthorized)
        }
        let (value, _) = try sessions.issue(for: holder, now: clock.now.date)
        context.logger.info("dashboard sign-in", metadata: ["actor": "\(holder.name)", "role": "\(holder.role.rawValue)"])
        return DashboardPaths.redirect(to: "/", setCookie: sessions.header(value))
    }

    @Sendable func logout(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard let sessions else { return DashboardPaths.redirect(to: "/") }
        if let session = sessions.session(fromCookieHeader: request.headers[.cookie], now: clock.now.date) {
            try await store.endSession(session.id, expires: session.expires)
            context.logger.info("dashboard sign-out", metadata: ["actor": "\(session.name)"])
        }
        return DashboardPaths.redirect(to: "/login", setCookie: sessions.header(nil))
    }
}
