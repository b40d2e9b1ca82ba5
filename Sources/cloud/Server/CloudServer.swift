import CoreMetrics
import FleetAPI
import HTTPClient
import Hummingbird
import Logging
import ServerSupport
import ServiceLifecycle
import Telemetry
import UnixSignals

/// The cloud server: the API, the store and the supervisor, stopped gracefully on SIGTERM/SIGINT.
struct CloudServer {
    struct Configuration: Sendable {
        var address: ListenAddress
        var store: any Store
        var provisioners: [String]
        var resolver: ProvisionerResolver
        /// Sent to provisioners as a bearer token.
        var provisionerToken: String?
        /// How to verify https provisioners.
        var provisionerTLS: TLSOptions
        /// Accepted from users, with their roles; nil means the API is open.
        var apiTokens: LiveTokens?
        /// Where `apiTokens` came from: read again when it changes.
        var apiTokenFile: String?
        /// Serve HTTPS with these; nil serves plain HTTP.
        var tls: ServerSupport.TLSFiles?
        var supervisor: Supervisor.Configuration
        /// The name on this server's leases: unique per process where servers share a database.
        var leaseOwner: String
        /// How long audit entries are kept; nil keeps them for good.
        var auditRetention: Duration?
        var kubeconfigPolicy = KubeconfigPolicy.dataOnly
        /// Where webhooks may send (`--allowed-webhook-target`).
        var webhookTargets = AddressPolicy.webhooks
        /// Which values are secrets, shown to viewers as digests.
        var secretValues = SecretValues()
        /// How often every utility is checked for drift (nil: never), and what is done about it.
        var driftInterval: Duration?
        var driftCorrection = DriftMonitor.Policy.warn
        /// Label ended deployments and attempts by cluster too (`--metrics-cluster-labels`).
        var metricsClusterLabels = false
        /// How often the profiles are checked against the fleet besides when something changes.
        var profileInterval: Duration = .seconds(30)
        /// The Git repository profiles are kept in (`--profiles-git`), and how often it is fetched.
        var profilesGit: ProfileRepository.Configuration?
        var profilesGitInterval: Duration = .seconds(60)
        /// The `--webhook` hooks; those added through the API are in the store.
        var webhooks: [Webhook] = []
        /// Where people open the dashboard, for links in webhook messages; nil: this server's address.
        var dashboardURL: String?
        var authThrottle = AuthThrottle.Configuration()
        /// What every part of the server goes by: records' times, polls, timers, windows.
        var clock: any WallClock = SystemClock()
        /// Spans of requests, store calls, dispatches and drift checks, and where they are sent
        /// (`--otel-endpoint`; nil: nowhere, though trace context is still passed on).
        var tracer = OTLPTracer.off

        /// `dashboardURL`, or this server's own address as a client on this host reaches it.
        var dashboard: String {
            if let dashboardURL { return dashboardURL }
            let host = address.host.isEmpty || address.host == "0.0.0.0" ? "127.0.0.1" : address.host
            return "\(tls == nil ? "http" : "https")://\(host.contains(":") ? "[\(host)]" : host):\(address.port)"
        }
    }

    let configuration: Configuration
    let logger: Logger

    /// Every route the cloud server serves. Without `apiTokens` the API is open.
    static func router(
        fleet: Fleet,
        apiTokens: LiveTokens?,
        kubeconfigPolicy: KubeconfigPolicy = .dataOnly,
        webhookTargets: AddressPolicy = .webhooks,
        secretValues: SecretValues = SecretValues(),
        metrics: ServerMetrics = ServerMetrics(help: FleetMetrics.help),
        fleetMetrics: FleetMetrics? = nil,
        secureCookies: Bool = false,
        authThrottle: AuthThrottle = AuthThrottle(),
        gitSync: Wakeup? = nil,
        tracer: OTLPTracer = .off
    ) throws -> Router<CloudRequestContext> {
        let fleetMetrics = fleetMetrics ?? FleetMetrics(metrics: metrics)
        fleetMetrics.up()
        let store = fleet.store
        let routes = RouteTable()
        let router = Router(context: CloudRequestContext.self)
        // Both outside the error middleware, so they see every answer with its final status (see AccessMiddleware).
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: TracingMiddleware(tracer: tracer))
        let access = AccessMiddleware(tokens: apiTokens, store: store, secureCookies: secureCookies, throttle: authThrottle, clock: fleet.clock)
        router.add(middleware: access)
        router.add(middleware: JSONErrorMiddleware(routes: routes))
        ClusterRoutes(fleet: fleet, kubeconfigPolicy: kubeconfigPolicy).add(to: router)
        let values = ValuesView(tokens: apiTokens, audit: store, secrets: secretValues)
        DeploymentRoutes(fleet: fleet, finished: FinishedDeployments(), values: values).add(to: router)
        RolloutRoutes(fleet: fleet, values: values).add(to: router)
        DriftRoutes(fleet: fleet).add(to: router)
        AuditRoutes(store: store).add(to: router)
        SessionRoutes(store: store, clock: fleet.clock).add(to: router)
        EventRoutes(store: store, clock: fleet.clock).add(to: router)
        WebhookRoutes(store: store, clock: fleet.clock, targets: webhookTargets).add(to: router)
        ProfileRoutes(fleet: fleet, gitSync: gitSync).add(to: router)
        DashboardRoutes(
            fleet: fleet,
            templates: try DashboardTemplates(),
            sessions: access.sessions,
            throttle: access.throttle
        ).add(to: router)
        let supervisor = fleet.supervisor
        ServerSupport.addOperationalRoutes(
            to: router,
            routes: routes,
            metrics: metrics,
            openAPI: PackageResources.openapi_json,
            beforeScrape: { await fleetMetrics.refresh(store: store, supervisor: supervisor, logger: supervisor.logger) },
            isReady: { true }
        )
        return router
    }

    func run() async throws {
        let metrics = ServerMetrics(help: FleetMetrics.help)
        let fleetMetrics = FleetMetrics(metrics: metrics, clusterLabels: configuration.metricsClusterLabels)
        configuration.store.observeCalls { fleetMetrics.databaseCall(waited: $0, ran: $1) }
        configuration.store.traceCalls(with: configuration.tracer)
        let pool = ProvisionerPool(
            urls: configuration.provisioners,
            token: configuration.provisionerToken,
            tls: configuration.provisionerTLS,
            resolver: configuration.resolver,
            clock: configuration.clock
        )
        let supervisor = Supervisor(
            store: configuration.store,
            pool: pool,
            configuration: configuration.supervisor,
            owner: configuration.leaseOwner,
            clock: configuration.clock,
            metrics: fleetMetrics,
            tracer: configuration.tracer,
            logger: logger
        )

        let fleet = Fleet(supervisor: supervisor)
        let gitSync = configuration.profilesGit.map { _ in Wakeup() }
        let router = try Self.router(
            fleet: fleet,
            apiTokens: configuration.apiTokens,
            kubeconfigPolicy: configuration.kubeconfigPolicy,
            webhookTargets: configuration.webhookTargets,
            secretValues: configuration.secretValues,
            metrics: metrics,
            fleetMetrics: fleetMetrics,
            secureCookies: configuration.tls != nil,
            authThrottle: AuthThrottle(configuration: configuration.authThrottle, clock: configuration.clock),
            gitSync: gitSync,
            tracer: configuration.tracer
        )

        let app = try ServerSupport.application(
            router: router,
            name: "cloud server",
            address: configuration.address,
            tls: configuration.tls,
            logger: logger
        )
        // The exporter first: a group stops its services last to first, so it sends what the others' last work ended.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] =
            (configuration.tracer.exporter.map { [.init(service: $0)] } ?? []) + [.init(service: supervisor), .init(service: app)]
        if let tokens = configuration.apiTokens, let path = configuration.apiTokenFile {
            services.append(.init(service: TokenFileWatcher(path: path, tokens: tokens, clock: configuration.clock, logger: logger)))
        }
        if let git = configuration.profilesGit, let gitSync {
            let sync = ProfileGitSync(
                fleet: fleet,
                repository: ProfileRepository(configuration: git),
                interval: configuration.profilesGitInterval,
                owner: configuration.leaseOwner,
                requests: gitSync,
                logger: logger
            )
            services.append(.init(service: sync))
        }
        services.append(
            .init(service: ProfileKeeper(fleet: fleet, interval: configuration.profileInterval, owner: configuration.leaseOwner, logger: logger))
        )
        if let interval = configuration.driftInterval {
            services.append(
                .init(service: DriftMonitor(fleet: fleet, interval: interval, policy: configuration.driftCorrection, logger: logger))
            )
        }
        try await configuration.store.configureWebhooks(configuration.webhooks)
        services.append(
            .init(
                service: WebhookSender(
                    store: configuration.store,
                    owner: configuration.leaseOwner,
                    configuration: .init(dashboard: configuration.dashboard, targets: configuration.webhookTargets),
                    clock: configuration.clock,
                    logger: logger
                )
            )
        )
        services.append(
            .init(
                service: Pruner(store: configuration.store, auditRetention: configuration.auditRetention, clock: configuration.clock, logger: logger)
            )
        )
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
