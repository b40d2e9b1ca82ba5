import FleetAPI
import Foundation
import HelmDriver
import Hummingbird
import Logging
import ServerSupport
import TestSupport

@testable import provisioner

/// The provisioner's routes, queue and deployer served from this process, for route tests.
struct InProcessProvisioner {
    let server: InProcessRouter<BasicRequestContext>
    let scratch: String
    /// What `/metrics` renders.
    let metrics: ServerMetrics

    /// - Parameters:
    ///   - helm: the helm executable (the testbed's by default, or a wrapper around it).
    ///   - configure: changes to the configuration the command line would make.
    ///   - configureHelm: changes to how helm runs (its environment).
    static func start(
        helm: String = Testbed.helm,
        configure: (inout ProvisionerConfiguration) -> Void = { _ in },
        configureHelm: (inout HelmConfiguration) -> Void = { _ in }
    ) async throws -> InProcessProvisioner {
        let scratch = try Testbed.makeScratchDirectory()
        var configuration = ProvisionerConfiguration(
            address: ListenAddress("127.0.0.1:0")!,
            helm: helm,
            chartDirectory: Testbed.charts,
            maxConcurrent: 2,
            defaultTimeout: .seconds(60),
            retention: .seconds(600),
            retentionCount: 100,
            drainTimeout: .seconds(1),
            remediation: .rollback,
            helmGracePeriod: .seconds(3),
            authTokens: [],
            tls: nil,
            logFormat: .text,
            logLevel: .warning,
            kubeconfigPolicy: .testbed
        )
        configure(&configuration)
        var helmConfiguration = Testbed.helmConfiguration(scratch: scratch)
        helmConfiguration.executable = configuration.helm
        configureHelm(&helmConfiguration)
        let deployer = HelmDeployer(
            releases: ReleaseManager(helm: HelmClient(configuration: helmConfiguration, logger: Testbed.logger), logger: Testbed.logger),
            chartDirectory: configuration.chartDirectory,
            aws: AWSClient(configuration: Testbed.aws, logger: Testbed.logger),
            kubeconfigPolicy: configuration.kubeconfigPolicy,
            logger: Testbed.logger
        )
        let metrics = ServerMetrics()
        let queue = JobQueue(
            configuration: .init(maxConcurrent: configuration.maxConcurrent, retention: configuration.retention, retentionCount: 100),
            deployers: [deployer, ObjectsDeployer(beside: deployer)],
            catalog: .standard,
            metrics: ProvisionerMetrics(metrics: metrics),
            logger: Testbed.logger
        )
        let router = ProvisionerServer.router(
            queue: queue,
            catalog: .standard,
            configuration: configuration,
            lifecycle: Lifecycle(),
            metrics: metrics
        )
        return InProcessProvisioner(server: InProcessRouter(router), scratch: scratch, metrics: metrics)
    }

    func post(_ request: DeploymentRequest) async throws -> ServerProcess.Reply {
        try await server.post("/api/deployments", json: request)
    }

    /// Polls until the deployment is final.
    func waitFor(_ id: String, timeout: Duration = .seconds(90)) async throws -> DeploymentStatus {
        let deadline = ContinuousClock.now + timeout
        while true {
            let status = try await server.request(.get, "/api/deployment/\(id)").decode(DeploymentStatus.self)
            if status.state.isFinal { return status }
            guard ContinuousClock.now < deadline else { throw ServerProcess.StartFailure(log: "deployment \(id) not final: \(status)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func stop() {
        try? FileManager.default.removeItem(atPath: scratch)
    }
}
