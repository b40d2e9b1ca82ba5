import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// Charts signed with keys gpg made in the test (`helm package --sign`, the testbed's real Helm),
/// pushed to a real registry with their provenance, and checked by a provisioner with a keyring.
@Suite("Chart provenance", .serialized, .tags(.integration), .skippedInFastRuns)
struct ChartVerificationTests {
    struct Setup {
        let harness: DeployHarness
        let registry: LocalRegistry
        let keys: SigningKeys
        let server: ServerProcess

        func apply(_ version: String) async throws -> DeploymentStatus {
            var request = harness.request("fluentbit")
            request.chart = ChartRequest(version: version, repository: registry.repository())
            return try await server.waitFor(try await server.post(request).decode(DeploymentStatus.self).id, timeout: .seconds(120))
        }

        func close() {
            server.stop()
            registry.stop()
            harness.close()
        }
    }

    /// fluent-bit 0.58.1 signed, 0.40.0 unsigned, 0.40.1 a signature of other content; the provisioner
    /// verifies with the signer's public keyring, requiring signatures from `required` repositories.
    static func start(requiring required: Bool) async throws -> Setup {
        let harness = try await DeployHarness()
        let registry = try await LocalRegistry.start(scratch: harness.scratch)
        let keys = try await SigningKeys.make(scratch: harness.scratch)
        try await registry.push("fluent-bit-0.58.1", signedBy: keys, scratch: harness.scratch)
        try await registry.push("fluent-bit-0.40.0", scratch: harness.scratch)
        let signed = try await LocalRegistry.package("fluent-bit-0.40.0", version: "0.40.1", signedBy: keys, scratch: harness.scratch)
        let other = try await LocalRegistry.package("fluent-bit-0.40.0", version: "0.40.1", appVersion: "tampered", scratch: harness.scratch)
        try FileManager.default.copyItem(atPath: "\(signed).prov", toPath: "\(other).prov")
        try await registry.push(archive: other, scratch: harness.scratch)
        let server = try await harness.startProvisioner(
            [
                "--allowed-repository", registry.repository(), "--plain-http-registry", registry.address,
                "--chart-cache", "\(harness.scratch)/chart-cache", "--chart-keyring", keys.publicKeyring,
            ] + (required ? ["--require-verified-charts", registry.repository()] : [])
        )
        return Setup(harness: harness, registry: registry, keys: keys, server: server)
    }

    @Test("a signed chart is verified; the deployment records the signer, the key's fingerprint and the archive's hash")
    func signedChartVerified() async throws {
        let setup = try await Self.start(requiring: true)
        defer { setup.close() }

        let done = try await setup.apply("0.58.1")

        #expect(done.state == .succeeded, "\(done.error ?? "")")
        let verification = try #require(done.chartVerification)
        #expect(verification.verified)
        #expect(verification.signedBy == ["Chart Signer <chart-signer@example.com>"])
        #expect(verification.fingerprint == setup.keys.fingerprint)
        #expect(verification.hash?.hasPrefix("sha256:") == true)
    }

    @Test("an unsigned chart is refused where signatures are required, before helm runs")
    func unsignedRefusedWhereRequired() async throws {
        let setup = try await Self.start(requiring: true)
        defer { setup.close() }

        let done = try await setup.apply("0.40.0")

        #expect(done.state == .failed)
        #expect(
            done.error?.contains("carries no provenance (.prov), and charts from \(setup.registry.repository()) must be signed") == true,
            "\(done.error ?? "")"
        )
        #expect(try await setup.harness.history(setup.harness.release(of: "fluentbit")).isEmpty)
    }

    @Test("an unsigned chart is installed where signatures are not required, and recorded unverified")
    func unsignedRecordedElsewhere() async throws {
        let setup = try await Self.start(requiring: false)
        defer { setup.close() }

        let done = try await setup.apply("0.40.0")

        #expect(done.state == .succeeded, "\(done.error ?? "")")
        #expect(done.chartVerification == ChartVerification(verified: false, reason: "the chart carries no provenance (.prov)"))
    }

    @Test("an archive that is not the one signed fails verification with Helm's message, required or not")
    func tamperedRefused() async throws {
        let setup = try await Self.start(requiring: false)
        defer { setup.close() }

        let done = try await setup.apply("0.40.1")

        #expect(done.state == .failed)
        #expect(done.error?.contains("sha256 sum does not match") == true, "\(done.error ?? "")")
        #expect(try await setup.harness.history(setup.harness.release(of: "fluentbit")).isEmpty)
    }
}
