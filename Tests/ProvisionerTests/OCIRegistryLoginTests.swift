import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// A registry that requires a login, as most private ones do.
@Suite("Charts from an OCI registry behind a login", .serialized, .tags(.integration), .skippedInFastRuns)
struct OCIRegistryLoginTests {
    @Test(
        "with the login helm stored (--registry-config) the chart installs and is re-checked by its manifest; without it the failure says the registry wants a login; an unknown chart is not found"
    )
    func loginNeeded() async throws {
        let harness = try await DeployHarness()
        let registry = try await LocalRegistry.start(scratch: harness.scratch, user: "deployer", password: "s3cret-pass")
        defer {
            registry.stop()
            harness.close()
        }
        let logins = "\(harness.scratch)/registry-config.json"
        let environment = Testbed.helmConfiguration(scratch: harness.scratch).environment
        let login = try await CommandRun.run(
            Testbed.helm,
            ["registry", "login", registry.address, "-u", "deployer", "-p", "s3cret-pass", "--plain-http", "--registry-config", logins],
            environment: environment
        )
        #expect(login.status == 0, "\(login.stderr)")
        let archive = try await LocalRegistry.package("fluent-bit-0.58.1", scratch: harness.scratch)
        let pushed = try await CommandRun.run(
            Testbed.helm,
            ["push", archive, registry.repository(), "--plain-http", "--registry-config", logins],
            environment: environment
        )
        #expect(pushed.status == 0, "\(pushed.stderr)")
        let common = ["--allowed-repository", registry.repository(), "--plain-http-registry", registry.address]
        let withLogin = try await harness.startProvisioner(
            common + ["--registry-config", logins, "--chart-cache", "\(harness.scratch)/a", "--chart-tag-lifetime", "0"]
        )
        let without = try await harness.startProvisioner(common + ["--chart-cache", "\(harness.scratch)/b"])
        defer {
            withLogin.stop()
            without.stop()
        }
        func apply(_ server: ServerProcess, chart: String = "0.58.1") async throws -> DeploymentStatus {
            var request = harness.request("fluentbit")
            request.chart = ChartRequest(version: chart, repository: registry.repository())
            return try await server.waitFor(try await server.post(request).decode(DeploymentStatus.self).id, timeout: .seconds(120))
        }

        let refused = try await apply(without)
        let missing = try await apply(withLogin, chart: "9.9.9")
        let installed = try await apply(withLogin)
        let blobs = registry.blobRequests()
        let again = try await apply(withLogin)

        #expect(refused.state == .failed && refused.error?.contains("basic credential not found") == true, "\(refused.error ?? "")")
        #expect(refused.error?.contains("the registry wants a login this provisioner does not have") == true)
        #expect(refused.error?.contains("s3cret-pass") == false)
        #expect(missing.state == .failed && missing.error?.contains("not found") == true, "\(missing.error ?? "")")
        #expect(installed.state == .succeeded, "\(installed.error ?? "")")
        #expect(again.state == .succeeded && registry.blobRequests() == blobs, "re-checked by its manifest with the stored login, not pulled")
    }
}
