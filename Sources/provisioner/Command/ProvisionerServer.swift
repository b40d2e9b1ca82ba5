import FleetAPI
import Foundation
import HelmDriver
import Hummingbird
import Logging
import ServerSupport
import ServiceLifecycle
import Telemetry
import UnixSignals

/// Wires the configuration into a running server and owns its shutdown: on SIGTERM or SIGINT it
/// drains (readiness 503, new work refused, running work finished or stopped cleanly), then stops
/// serving and returns, so the process exits 0.
struct ProvisionerServer {
    let configuration: ProvisionerConfiguration
    let logger: Logger

    /// Every route the provisioner serves.
    static func router(
        queue: JobQueue,
        catalog: ServiceCatalog,
        configuration: ProvisionerConfiguration,
        lifecycle: Lifecycle,
        metrics: ServerMetrics,
        tracer: OTLPTracer = .off
    ) -> Router<BasicRequestContext> {
        let routes = RouteTable()
        let router = ServerSupport.router(requiring: configuration.authTokens, routes: routes, metrics: metrics, tracer: tracer)
        let validator = DeploymentValidator(
            catalog: catalog,
            defaultTimeout: configuration.defaultTimeout,
            kubeconfigPolicy: configuration.kubeconfigPolicy,
            allowedRepositories: configuration.allowedRepositories ?? catalog.repositoryPatterns,
            allowedDNS: configuration.allowedDNS,
            secretValues: configuration.secretValues
        )
        DeploymentRoutes(queue: queue, validator: validator).add(to: router)
        ServiceRoutes(catalog: catalog, deployers: queue.deployers).add(to: router)
        CheckRoutes(validator: validator, deployers: queue.deployers, lifecycle: lifecycle, metrics: queue.metrics).add(to: router)
        ServerSupport.addOperationalRoutes(
            to: router,
            routes: routes,
            metrics: metrics,
            openAPI: PackageResources.openapi_json,
            maxConcurrent: configuration.maxConcurrent
        ) { !lifecycle.isDraining }
        return router
    }

    func run() async throws {
        let metrics = ServerMetrics(help: ProvisionerMetrics.help)
        let provisionerMetrics = ProvisionerMetrics(metrics: metrics)
        let catalog = ServiceCatalog.standard
        let tracer = try OTLPTracer(endpoint: configuration.otelEndpoint, service: "provisioner", version: BuildInfo.version, logger: logger)
        var helmConfiguration = HelmConfiguration(
            executable: configuration.helm,
            environment: ProcessInfo.processInfo.environment,
            gracePeriod: configuration.helmGracePeriod,
            workDirectory: ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp",
            maxClockSkew: configuration.maxClockSkew
        )
        // helm runs that change a release do so under this executable's `helm-supervise`.
        if let executable = Bundle.main.executablePath {
            helmConfiguration.leasing = ReleaseLeasing(supervisor: executable, instance: "\(ProcessInfo.processInfo.hostName)-\(ID.make().prefix(8))")
        }
        var helm = HelmClient(configuration: helmConfiguration, logger: logger)
        helm.observe = { provisionerMetrics.helmRan($0, outcome: $1, took: $2) }
        helm.tracer = tracer
        let deployer = HelmDeployer(
            releases: ReleaseManager(helm: helm, policy: configuration.remediation, logger: logger),
            chartDirectory: configuration.chartDirectory,
            registries: configuration.registries,
            aws: AWSClient(configuration: AWSConfiguration(environment: ProcessInfo.processInfo.environment), logger: logger),
            kubeconfigPolicy: configuration.kubeconfigPolicy,
            valuesFromLifetime: configuration.valuesFromCache,
            logger: logger
        )
        let queue = JobQueue(
            configuration: .init(
                maxConcurrent: configuration.maxConcurrent,
                retention: configuration.retention,
                retentionCount: configuration.retentionCount
            ),
            deployers: [deployer, ObjectsDeployer(beside: deployer)],
            catalog: catalog,
            metrics: provisionerMetrics,
            tracer: tracer,
            logger: logger
        )
        await deployer.charts.observe { provisionerMetrics.chartCache($0) }
        let lifecycle = Lifecycle()

        let router = Self.router(
            queue: queue,
            catalog: catalog,
            configuration: configuration,
            lifecycle: lifecycle,
            metrics: metrics,
            tracer: tracer
        )

        let logger = self.logger
        let app = try ServerSupport.application(
            router: router,
            name: "provisioner",
            address: configuration.address,
            tls: configuration.tls,
            logger: logger
        )
        // The exporter first: a group stops its services last to first, so it sends the drain's last spans.
        let services = ServiceGroup(
            configuration: .init(services: (tracer.exporter.map { [.init(service: $0)] } ?? []) + [.init(service: app)], logger: logger)
        )
        let drainTimeout = configuration.drainTimeout

        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await services.run() }
            group.addTask {
                let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
                guard let signal = await signals.first(where: { _ in true }) else { return }
                logger.notice("draining", metadata: ["signal": "\(signal)", "drain_timeout": "\(GoDuration.format(drainTimeout))"])
                lifecycle.startDraining()
                await queue.drain(timeout: drainTimeout)
                logger.notice("drained; stopping")
                await services.triggerGracefulShutdown()
            }
        }
    }
}
