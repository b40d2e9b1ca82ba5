import Hummingbird
import NIOCore

/// The cloud server's request context: Hummingbird's core values plus who is asking, set by
/// `AccessMiddleware` before any route runs.
struct CloudRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The token's holder; an admin named `anonymous` when the server runs without tokens.
    var caller = TokenHolder(role: .admin, name: AccessMiddleware.anonymous)
    /// The dashboard session the caller came with (a cookie instead of a bearer token).
    var session: SessionCookie.Session?
    /// Where a route records its effect's audit entry; see `AuditTrail`.
    var audit = AuditTrail(draft: AuditEntry(time: 0, method: "", path: "", targets: [], status: 0))
    /// The peer, kept as NIO has it: only a request that authenticates with a token needs it
    /// as text.
    private let remoteAddress: SocketAddress?
    /// The peer's IP address, what `AuthThrottle` counts failures by ("unknown" without one).
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
