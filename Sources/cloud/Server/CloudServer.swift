import Hummingbird
import Internal
import Logging
import ServiceLifecycle

/// The cloud server: the API, the store and the supervisor, stopped gracefully on SIGTERM/SIGINT.
struct CloudServer {
    struct Configuration: Sendable {
        var host: String
        var port: Int
        var store: any Store
        var provisioners: [String]
        var supervisor: Supervisor.Configuration
    }

    let configuration: Configuration
    let logger: Logger

    func run() async throws {
        let pool = ProvisionerPool(urls: configuration.provisioners)
        let supervisor = Supervisor(
            store: configuration.store, pool: pool, configuration: configuration.supervisor, logger: logger)
        let services = ServiceNames(pool: pool)
        let metrics = MetricsRegistry()
        metrics.register("cloud_up", .gauge, help: "1 while the cloud server runs.")
        metrics.set("cloud_up", to: 1)

        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        ClusterRoutes(store: configuration.store, supervisor: supervisor, services: services).add(to: router)
        DeploymentRoutes(store: configuration.store, supervisor: supervisor, services: services).add(to: router)
        router.get("/healthz") { _, _ in try JSONResponse.make(.ok, ["Status": "ok"]) }
        router.get("/readyz") { _, _ in try JSONResponse.make(.ok, ["Status": "ready"]) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
        }

        let logger = self.logger
        let host = configuration.host
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "cloud"),
            onServerRunning: { channel in
                logger.notice("cloud server listening", metadata: [
                    "address": "\(host):\(channel.localAddress?.port ?? 0)", "version": "\(BuildInfo.version)",
                ])
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: supervisor), .init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
