import Hummingbird
import Internal
import Logging

/// The cloud server's request context: Hummingbird's core values plus who is asking, set by
/// `AccessMiddleware` before any route runs.
struct CloudRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The token's holder; an admin named `anonymous` when the server runs without tokens.
    var caller = BearerTokens.Holder(role: .admin, name: AccessMiddleware.anonymous)
    /// Where a route records its effect's audit entry; see `AuditTrail`.
    var audit = AuditTrail(draft: AuditEntry(time: 0, method: "", path: "", targets: [], status: 0))

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// For requests that do not come from a channel (in-process route tests).
    init(logger: Logger) {
        coreContext = .init(source: LoggerSource(logger: logger))
    }

    private struct LoggerSource: RequestContextSource {
        var logger: Logger
    }
}
