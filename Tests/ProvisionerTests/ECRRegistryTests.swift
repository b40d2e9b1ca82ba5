import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// A registry logged in to with Amazon ECR logins: moto serves `ecr:GetAuthorizationToken` (its
/// token is `AWS:ACCOUNT-auth-token`), and the loopback registry takes exactly that login.
@Suite("Charts from an ECR registry", .serialized, .tags(.integration), .skippedInFastRuns)
struct ECRRegistryTests {
    @Test("with --ecr-registry the provisioner logs in with an ECR token got with its own AWS credentials, without it the registry refuses")
    func ecrLogin() async throws {
        let moto = try await LocalService.moto()
        let harness = try await DeployHarness()
        let registry = try await LocalRegistry.start(scratch: harness.scratch, user: "AWS", password: "123456789012-auth-token")
        defer {
            registry.stop()
            harness.close()
            moto.stop()
        }
        let logins = "\(harness.scratch)/push-logins.json"
        let environment = Testbed.helmConfiguration(scratch: harness.scratch).environment
        _ = try await CommandRun.run(
            Testbed.helm,
            ["registry", "login", registry.address, "-u", "AWS", "-p", "123456789012-auth-token", "--plain-http", "--registry-config", logins],
            environment: environment
        )
        let archive = try await LocalRegistry.package("fluent-bit-0.58.1", scratch: harness.scratch)
        let pushed = try await CommandRun.run(
            Testbed.helm,
            ["push", archive, registry.repository(), "--plain-http", "--registry-config", logins],
            environment: environment
        )
        #expect(pushed.status == 0, "\(pushed.stderr)")
        let aws = PrometheusDNSTests.awsEnvironment.merging(["AWS_ENDPOINT_URL": moto.url]) { $1 }
        let common = ["--allowed-repository", registry.repository(), "--plain-http-registry", registry.address]
        let withECR = try await harness.startProvisioner(
            common + ["--ecr-registry", registry.address, "--chart-cache", "\(harness.scratch)/a"],
            environment: aws
        )
        let without = try await harness.startProvisioner(common + ["--chart-cache", "\(harness.scratch)/b"], environment: aws)
        defer {
            withECR.stop()
            without.stop()
        }
        func apply(_ server: ServerProcess) async throws -> DeploymentStatus {
            var request = harness.request("fluentbit")
            request.chart = ChartRequest(version: "0.58.1", repository: registry.repository())
            return try await server.waitFor(try await server.post(request).decode(DeploymentStatus.self).id, timeout: .seconds(120))
        }

        let refused = try await apply(without)
        let installed = try await apply(withECR)

        #expect(refused.state == .failed && refused.error?.contains("the registry wants a login") == true, "\(refused.error ?? "")")
        #expect(installed.state == .succeeded, "\(installed.error ?? "")")
        let written = try #require(FileManager.default.contents(atPath: "\(harness.scratch)/a/registry-logins.json"))
        let mode = try FileManager.default.attributesOfItem(atPath: "\(harness.scratch)/a/registry-logins.json")[.posixPermissions] as? Int
        #expect(mode == 0o600, "the logins file is the provisioner's alone")
        #expect(String(decoding: written, as: UTF8.self).contains(registry.address))
    }

    @Test("an ECR login is kept while it is good and got again before it runs out; other registries get the operator's logins")
    func renewedBeforeExpiry() async throws {
        let moto = try await LocalService.moto()
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let environment = PrometheusDNSTests.awsEnvironment.merging(["AWS_ENDPOINT_URL": moto.url]) { $1 }
        let aws = AWSClient(configuration: AWSConfiguration(environment: environment), logger: Testbed.logger)
        let logins = RegistryLogins(configured: nil, ecrRegistries: ["registry.example:5000"], aws: aws, directory: scratch)
        let now = Date()

        let first = try await logins.configFile(for: "registry.example:5000", now: now)
        moto.stop()  // from here, a login can only come from what was kept
        let kept = try await logins.configFile(for: "registry.example:5000", now: now + 60)
        let other = try await logins.configFile(for: "elsewhere.example", now: now)

        #expect(first == "\(scratch)/registry-logins.json" && kept == first)
        #expect(other == nil, "not an ECR registry: helm's own logins")
        // moto's token says it expired in 2015: it is kept the margin, then asked for again.
        await #expect(throws: RegistryLogins.Failure.self) {
            try await logins.configFile(for: "registry.example:5000", now: now + RegistryLogins.margin + 1)
        }
    }
}
