import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import provisioner

/// The verify action a rollout's soak sends: it changes nothing and says whether the release is
/// deployed at the version and its workloads ready.
extension DeploymentOutcome {
    fileprivate var failure: DeploymentFailure? {
        if case .failed(let failure) = self { failure } else { nil }
    }
}

@Suite("Verify a release", .serialized, .tags(.integration), .skippedInFastRuns)
struct VerifyTests {
    @Test("a release that is not installed fails verification, saying so")
    func notInstalled() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let result = await harness.deploy(harness.request("prometheus", .verify))
        #expect(result.outcome == .failed(DeploymentFailure(.failed, step: "verify", message: "release prometheus/prometheus is not installed")))
    }

    @Test("a deployed, ready release verifies at its version and fails at another, changing nothing")
    func version() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        #expect(await harness.deploy(harness.request("prometheus", version: "25.18.0")).outcome == .succeeded)
        let verified = await harness.deploy(harness.request("prometheus", .verify, version: "25.18.0"))
        #expect(verified.outcome == .succeeded)
        #expect(verified.details.log.last == "verified: revision 1 deployed, workloads ready")
        let other = await harness.deploy(harness.request("prometheus", .verify, version: "25.19.0"))
        #expect(other.outcome.failure?.message.contains("runs chart prometheus-25.18.0, not version 25.19.0") == true)
        #expect(try await harness.history(harness.release(of: "prometheus")).count == 1)
    }

    @Test("a deployed release whose Deployment is not ready fails verification, naming it")
    func unreadyWorkload() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        // Installed without --wait, as someone might by hand: deployed, but its pods never ready.
        try await harness.installByHand("prometheus", ["--set", "server.image.tag=fail-readiness"])
        let result = await harness.deploy(harness.request("prometheus", .verify, version: nil))
        let message = try #require(result.outcome.failure?.message)
        #expect(message.hasPrefix("not ready: Deployment/"), "\(message)")
        #expect(message.hasSuffix("0 of 1 pods ready"), "\(message)")
    }
}
