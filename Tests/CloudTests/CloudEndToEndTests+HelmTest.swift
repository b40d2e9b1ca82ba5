import FleetAPI
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import cloud

extension CloudEndToEndTests {
    @Test("a deployment with Test runs the chart's tests: a failing one fails it, rolled back, its output in the log")
    func chartTestsGate() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let installed = try await harness.createDeployment(cluster.id, "fluentbit", version: "0.40.0")
        #expect(try await harness.waitFor(installed.id).state == .succeeded)

        let run = try await harness.cli([
            "deployment", "create", "--cluster", cluster.id, "--service", "fluentbit", "--chart-version", "0.58.1", "--test",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let passing = try WireJSON.decoder().decode(Deployment.self, from: Data(run.stdout.utf8))
        let passed = try await harness.waitFor(passing.id)
        #expect(passed.state == .succeeded && passed.test == true)
        #expect(passed.log.contains("  fluent-bit-test-connection: ok"), "\(passed.log)")

        var failing = try await harness.send(
            "POST",
            "/api/deployments",
            [
                "ClusterID": .string(cluster.id), "Service": "fluentbit", "Action": "apply", "Chart": ["Version": "0.58.1"],
                "Values": ["testFramework": ["image": ["tag": "fail-test"]]], "Test": true,
            ]
        ).decode(Deployment.self)
        failing = try await harness.waitFor(failing.id)
        #expect(failing.state == .failed)
        #expect(failing.error?.contains("the chart's tests failed") == true)
        #expect(failing.remediation?.action == "rollback")
        #expect(failing.log.contains { $0.contains("Phase:          Failed") })

        let refused = try await harness.send(
            "POST",
            "/api/deployments",
            ["ClusterID": .string(cluster.id), "Service": "prometheus", "Action": "delete", "Test": true]
        )
        #expect(refused.status == 400 && refused.error?.field == "Test")
    }
}
