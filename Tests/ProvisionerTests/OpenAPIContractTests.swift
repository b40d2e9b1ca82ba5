import Foundation
import HTTPTypes
import HelmDriver
import Hummingbird
import Logging
import ServerSupport
import TestSupport
import Testing

@testable import provisioner

/// The OpenAPI document served at /api/openapi.json describes every route the provisioner serves.
@Suite("Provisioner OpenAPI contract")
struct ProvisionerOpenAPIContractTests {
    @Test("every route is in the OpenAPI document, with its method")
    func everyRouteDescribed() throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let configuration = ProvisionerConfiguration(
            address: ListenAddress("127.0.0.1:0")!,
            helm: "helm",
            chartDirectory: nil,
            maxConcurrent: 1,
            defaultTimeout: .seconds(60),
            retention: .seconds(60),
            retentionCount: 10,
            drainTimeout: .seconds(1),
            remediation: .rollback,
            helmGracePeriod: .seconds(1),
            authTokens: [],
            tls: nil,
            logFormat: .text,
            logLevel: .info
        )
        let helm = HelmClient(configuration: Testbed.helmConfiguration(scratch: scratch), logger: Testbed.logger)
        let deployer = HelmDeployer(
            releases: ReleaseManager(helm: helm, logger: Testbed.logger),
            chartDirectory: nil,
            aws: AWSClient(configuration: Testbed.aws, logger: Testbed.logger),
            logger: Testbed.logger
        )
        let queue = JobQueue(
            configuration: .init(maxConcurrent: 1, retention: .seconds(60), retentionCount: 10),
            deployers: [deployer],
            catalog: .standard,
            metrics: ProvisionerMetrics(metrics: ServerMetrics()),
            logger: Testbed.logger
        )
        let router = ProvisionerServer.router(
            queue: queue,
            catalog: .standard,
            configuration: configuration,
            lifecycle: Lifecycle(),
            metrics: ServerMetrics()
        )

        let document = try OpenAPIDocument(PackageResources.openapi_json)
        let routes = router.routes.map { "\($0.method.rawValue.lowercased()) \($0.path)" }
        #expect(!routes.isEmpty)
        for route in routes { #expect(document.operations.contains(route), "\(route) is not in openapi.json") }
        #expect(Set(routes) == document.operations, "openapi.json describes routes that do not exist")
    }

    @Test("the provisioner serves its document")
    func served() async throws {
        let provisioner = try await InProcessProvisioner.start()
        defer { try? FileManager.default.removeItem(atPath: provisioner.scratch) }
        let served = try await provisioner.server.request(.get, "/api/openapi.json")
        #expect(served.status == 200)
        #expect(try OpenAPIDocument(Array(served.body)).operations == OpenAPIDocument(PackageResources.openapi_json).operations)
    }
}
