import ArgumentParser
import FleetAPI
import Foundation
import HTTPTypes
import HelmDriver
import ServerSupport
import TestSupport
import Testing

@testable import provisioner

/// Where a request may send the provisioner: never the metadata address, in any spelling; not a
/// loopback chart repository through a wildcard pattern; and to a cluster named by a host name,
/// only through the address that name resolved to when it was checked.
@Suite("Provisioner address policy")
struct ProvisionerAddressPolicyTests {
    @Test("a kubeconfig pointing at the metadata address, in any spelling, is refused with 400 naming Kubeconfig")
    func metadataRefused() async throws {
        let provisioner = try await InProcessProvisioner.start { $0.kubeconfigPolicy = .dataOnly }
        defer { provisioner.stop() }
        for server in ["http://169.254.169.254/", "http://2852039166/", "http://[::ffff:a9fe:a9fe]/", "http://[fd00:ec2::254]/"] {
            let reply = try await provisioner.post(ProvisionerRequestPolicyTests.request(kubeconfig: KubeconfigSamples.make(server: server)))
            #expect(reply.status == 400, "\(server): \(reply.text)")
            #expect(reply.error?.field == "Kubeconfig")
            #expect(reply.error?.error.contains("the cloud metadata address") == true, "\(reply.text)")
        }
        #expect(try await provisioner.server.request(.get, "/api/deployments").text == "[]")
    }

    @Test("a chart repository on loopback or the metadata address needs a pattern naming its host without a wildcard")
    func refusedRepositoryNeedsExactPattern() throws {
        func validator(_ patterns: String...) throws -> DeploymentValidator {
            DeploymentValidator(catalog: .standard, defaultTimeout: .seconds(60), allowedRepositories: try patterns.map { try RepositoryPattern($0) })
        }
        let loopback = ProvisionerRequestPolicyTests.request(repository: "http://127.0.0.1:8879/charts")
        let error = #expect(throws: APIError.self) { try validator("http://*/**").job(for: loopback) }
        #expect(error?.field == "Chart.Repository")
        #expect(error?.message.contains("a loopback address") == true)
        #expect(throws: APIError.self) {
            try validator("http://**").job(for: ProvisionerRequestPolicyTests.request(repository: "http://169.254.169.254/latest"))
        }
        _ = try validator("http://127.0.0.1:*/**").job(for: loopback)
        _ = try validator("https://*.example.com/**").job(for: ProvisionerRequestPolicyTests.request(repository: "https://charts.example.com/x"))
    }

    @Test("a kubeconfig naming the cluster by a host name is deployed through the address it resolved to", .tags(.integration))
    func nameIsPinned() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        var request = harness.request("metrics-server")
        request.kubeconfig = request.kubeconfig.replacingOccurrences(of: "127.0.0.1", with: ProcessInfo.processInfo.hostName)
        #expect(request.kubeconfig.contains(ProcessInfo.processInfo.hostName))

        let result = await harness.deploy(request)

        #expect(result.outcome == DeploymentOutcome.succeeded, "\(result.outcome)")
        #expect(try await harness.history(harness.release(of: "metrics-server")).count == 1)
    }

    @Test("a host name resolving to an address the policy refuses fails the deployment before helm runs", .tags(.integration))
    func nameResolvingToRefusedAddress() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        var request = harness.request("metrics-server")
        request.kubeconfig = request.kubeconfig.replacingOccurrences(of: "127.0.0.1", with: ProcessInfo.processInfo.hostName)
        // This host's name resolves to loopback, or to a private address in a container: neither is reached here.
        let strict = HelmDeployer(
            releases: ReleaseManager(helm: harness.helm, logger: Testbed.logger),
            chartDirectory: Testbed.charts,
            aws: AWSClient(configuration: Testbed.aws, logger: Testbed.logger),
            kubeconfigPolicy: KubeconfigPolicy(servers: AddressPolicy(refusesPrivate: true)),
            logger: Testbed.logger
        )

        let result = await strict.run(request, service: ServiceCatalog.standard["metrics-server"]!, timeout: .seconds(30))

        guard case .failed(let failure) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(failure.kind == .invalidInput && failure.step == "kubeconfig")
        #expect(failure.message.contains("is refused"), "\(failure.message)")
        #expect(try await harness.history(harness.release(of: "metrics-server")).isEmpty)
    }

    @Test("--allowed-api-server narrows the kubeconfig servers; a value that is neither a range nor a name is refused")
    func flag() throws {
        let configured = try ProvisionerCommand.parse(["--allowed-api-server", "10.0.0.0/8", "--allowed-api-server", "*.eks.amazonaws.com"])
            .makeConfiguration()
        #expect(configured.kubeconfigPolicy.servers.allowed.map(\.description) == ["10.0.0.0/8", "*.eks.amazonaws.com"])
        #expect(try ProvisionerCommand.parse([]).makeConfiguration().kubeconfigPolicy.servers == .apiServers)
        #expect(throws: (any Error).self) { try ProvisionerCommand.parse(["--allowed-api-server", "10.0.0.0/40"]).makeConfiguration() }
    }
}
