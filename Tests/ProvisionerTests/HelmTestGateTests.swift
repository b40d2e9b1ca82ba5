import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// `Test: true`: the chart's tests run after a successful apply, and a failure fails the
/// deployment, so remediation undoes the revision whose tests failed.
@Suite("Helm tests as a gate", .serialized, .tags(.integration), .skippedInFastRuns)
struct HelmTestGateTests {
    func request(_ harness: DeployHarness, version: String, values: JSONValue? = nil) -> DeploymentRequest {
        var request = harness.request("fluentbit", version: version, values: values)
        request.test = true
        return request
    }

    @Test("passing tests: the apply succeeds and the test pods' output is in the log")
    func passing() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let result = await harness.deploy(request(harness, version: "0.58.1"))
        #expect(result.outcome == .succeeded, "\(result.outcome)")
        #expect(result.details.log.contains { $0.hasPrefix("helm test fluent-bit: ok") })
        #expect(result.details.log.contains("  fluent-bit-test-connection: ok"), "\(result.details.log)")
    }

    @Test("a failing test fails the upgrade, which is rolled back to the revision before it")
    func failingUpgrade() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        #expect(await harness.deploy(harness.request("fluentbit", version: "0.40.0")).outcome == .succeeded)
        let result = await harness.deploy(request(harness, version: "0.58.1", values: ["testFramework": ["image": ["tag": "fail-test"]]]))
        guard case .failed(let failure) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(failure.step == "helm test" && failure.message.hasPrefix("the chart's tests failed: "))
        #expect(result.details.helm?.remediation == RemediationRecord(.rollback(toRevision: 1), error: nil))
        #expect(result.details.log.contains { $0.contains("Phase:          Failed") })
        let history = try await harness.history(harness.release(of: "fluentbit"))
        #expect(history.map(\.chart) == ["fluent-bit-0.40.0", "fluent-bit-0.58.1", "fluent-bit-0.40.0"])
        #expect(history.last?.status == .deployed)
    }

    @Test("a failing test on the first install uninstalls it")
    func failingInstall() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let result = await harness.deploy(request(harness, version: "0.58.1", values: ["testFramework": ["image": ["tag": "fail-test"]]]))
        #expect(result.details.helm?.remediation?.action == "uninstall")
        #expect(try await harness.history(harness.release(of: "fluentbit")).isEmpty)
    }
}
