import Hummingbird
import Logging

/// What both servers share: a router whose errors leave as JSON, the operational endpoints, and an
/// application that logs its bound address (tests and `make run` read it to find a port-0 server).
public enum ServerSupport {
    /// - Parameter tokens: bearer tokens to require (all but the probes); none means open.
    public static func router(requiring tokens: [String] = []) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        if !tokens.isEmpty { router.add(middleware: BearerAuthMiddleware(tokens: tokens)) }
        return router
    }

    /// `/healthz` (alive), `/readyz` (503 while `isReady` says no) and `/metrics` (Prometheus text).
    public static func addOperationalRoutes(
        to router: Router<BasicRequestContext>, metrics: MetricsRegistry, isReady: @escaping @Sendable () -> Bool
    ) {
        router.get("/healthz") { _, _ in try JSONResponse.make(.ok, ["Status": "ok"]) }
        router.get("/readyz") { _, _ in
            isReady()
                ? try JSONResponse.make(.ok, ["Status": "ready"])
                : try JSONResponse.make(.serviceUnavailable, ["Status": "draining"])
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
        }
    }

    /// Serves `router` on `address`, logging "`name` listening" with the real address once bound.
    public static func application(
        router: Router<BasicRequestContext>, name: String, address: ListenAddress, logger: Logger
    ) -> some ApplicationProtocol {
        Application(
            router: router,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: name),
            onServerRunning: { channel in
                logger.notice("\(name) listening", metadata: [
                    "address": "\(address.host):\(channel.localAddress?.port ?? 0)", "version": "\(BuildInfo.version)",
                ])
            },
            logger: logger)
    }
}
