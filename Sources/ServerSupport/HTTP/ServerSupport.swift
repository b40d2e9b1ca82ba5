import FleetAPI
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOSSL
public import Telemetry

/// What both servers share: a router whose errors leave as JSON, the operational endpoints, and an
/// application that logs its bound address (tests and `make run` read it to find a port-0 server).
public enum ServerSupport {
    /// - Parameter tokens: bearer tokens to require (all but the probes); none means open.
    public static func router(
        requiring tokens: [String] = [],
        routes: RouteTable = RouteTable(),
        metrics: ServerMetrics,
        tracer: OTLPTracer = .off
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // Outermost, so it counts every answer with its final status.
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: TracingMiddleware(tracer: tracer))
        router.add(middleware: JSONErrorMiddleware(routes: routes))
        if !tokens.isEmpty { router.add(middleware: BearerAuthMiddleware(tokens: tokens)) }
        return router
    }

    /// `/healthz` (alive), `/readyz` (503 while `isReady` says no), `/metrics` (Prometheus text),
    /// and `/api/openapi.json` (the API's OpenAPI 3 document). Call it last: it also records the
    /// router's routes in `routes`, so a known path with an unknown method answers 405.
    /// - Parameter maxConcurrent: how much work the server runs at once, said by `/readyz`
    ///   (`MaxConcurrent`), so a dispatcher sends only what it can start.
    public static func addOperationalRoutes<Context: RequestContext>(
        to router: Router<Context>,
        routes: RouteTable = RouteTable(),
        metrics: ServerMetrics,
        openAPI: [UInt8],
        beforeScrape: (@Sendable () async -> Void)? = nil,
        maxConcurrent: Int? = nil,
        isReady: @escaping @Sendable () -> Bool
    ) {
        defer { routes.record(router.routes.map { ($0.method.rawValue, $0.path.description) }) }
        router.get("/api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: openAPI)))
        }
        router.get("/healthz") { _, _ in try JSONResponse.make(.ok, ["Status": "ok"]) }
        router.get("/readyz") { _, _ in
            isReady()
                ? try JSONResponse.make(.ok, Readiness(status: "ready", maxConcurrent: maxConcurrent))
                : try JSONResponse.make(.serviceUnavailable, Readiness(status: "draining", maxConcurrent: maxConcurrent))
        }
        router.get("/metrics") { _, _ in
            // Gauges read from elsewhere (the cloud server's store) are brought up to date first.
            await beforeScrape?()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
    }

    /// A PEM certificate chain and private key to serve HTTPS with.
    public struct TLSFiles: Sendable {
        public var certificate: String
        public var key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    public struct TLSSetupFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Serves `router` on `address` (HTTPS when `tls` is given), logging "`name` listening" with the
    /// real address and URL once bound.
    public static func application<Context: RequestContext>(
        router: Router<Context>,
        name: String,
        address: ListenAddress,
        tls: TLSFiles? = nil,
        logger: Logger
    ) throws -> some ApplicationProtocol where Context.Source == ApplicationRequestContextSource {
        var server = HTTPServerBuilder.http1()
        if let tls {
            let chain: [NIOSSLCertificate]
            let key: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(tls.certificate)
                key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
            } catch {
                throw TLSSetupFailure(description: "cannot load --tls-cert \(tls.certificate) / --tls-key \(tls.key): \(error)")
            }
            server = try .tls(
                .http1(),
                tlsConfiguration: .makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) },
                    privateKey: .privateKey(key)
                )
            )
        }
        let scheme = tls == nil ? "http" : "https"
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: name),
            onServerRunning: { channel in
                let bound = "\(address.host):\(channel.localAddress?.port ?? 0)"
                logger.notice(
                    "\(name) listening",
                    metadata: [
                        "address": "\(bound)", "url": "\(scheme)://\(bound)", "version": "\(BuildInfo.version)",
                    ]
                )
            },
            logger: logger
        )
    }
}

/// What `/readyz` answers: whether the server takes work, and how much it runs at once.
public struct Readiness: Codable, Sendable, Equatable {
    public var status: String
    public var maxConcurrent: Int?

    public init(status: String, maxConcurrent: Int? = nil) {
        self.status = status
        self.maxConcurrent = maxConcurrent
    }
}
