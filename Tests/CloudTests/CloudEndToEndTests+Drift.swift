import Foundation
import Internal
import TestSupport
import Testing

@testable import cloud

extension CloudEndToEndTests {
    @Test("a utility changed by hand is reported drifted (cloud cluster drift, GET /api/drift), and correct puts it back")
    func driftDetectedAndCorrected() async throws {
        let harness = try CloudHarness(provisioners: 1, serverArguments: ["--drift-interval", "1s", "--drift-correction", "warn"])
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let deployment = try await harness.createDeployment(cluster.id, "prometheus", version: "1.0.0")
        #expect(try await harness.waitFor(deployment.id).state == .succeeded)

        let inSync = try harness.cli(["cluster", "drift", "--cluster", cluster.id])
        #expect(inSync.status == 0, "\(inSync.stdout)\(inSync.stderr)")

        let kubectl = try CommandRun.run(
            "/usr/bin/kubectl",
            ["--kubeconfig", harness.emulator.kubeconfigPath, "-n", "prometheus", "scale", "deployment/prometheus-server", "--replicas=3"]
        )
        try #require(kubectl.status == 0, "\(kubectl.stderr)")
        let drifted = try harness.cli(["cluster", "drift", "--cluster", cluster.id, "--output", "table"])
        #expect(drifted.status == 2)
        #expect(drifted.stdout.contains("Drifted") && drifted.stdout.contains("spec.replicas is 3, not 1"))

        let fleet = try await harness.send("GET", "/api/drift?state=drifted").decode([FleetDrift].self)
        #expect(fleet.map(\.service) == ["prometheus"] && fleet.first?.clusterID == cluster.id)
        let utilities = try await harness.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self)
        #expect(utilities.drift?["prometheus"]?.state == .drifted)
        #expect(try await harness.send("GET", "/api/drift?state=sideways").status == 400)
        #expect(try await harness.send("GET", "/api/deployments?cluster=\(cluster.id)").decode([Deployment].self).count == 1, "warn corrects nothing")
    }

    @Test("with drift correction on, a Deployment scaled by hand is applied again as an ordinary deployment")
    func driftCorrected() async throws {
        let harness = try CloudHarness(provisioners: 1, serverArguments: ["--drift-interval", "1s", "--drift-correction", "correct"])
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let deployment = try await harness.createDeployment(cluster.id, "prometheus", version: "1.0.0")
        #expect(try await harness.waitFor(deployment.id).state == .succeeded)
        let kubectl = try CommandRun.run(
            "/usr/bin/kubectl",
            ["--kubeconfig", harness.emulator.kubeconfigPath, "-n", "prometheus", "scale", "deployment/prometheus-server", "--replicas=3"]
        )
        try #require(kubectl.status == 0, "\(kubectl.stderr)")

        let deadline = ContinuousClock.now + .seconds(60)
        var correction: Deployment?
        while correction?.state != .succeeded {
            try #require(ContinuousClock.now < deadline, "no correcting deployment succeeded")
            try await Task.sleep(for: .milliseconds(300))
            correction = try await harness.send("GET", "/api/deployments?cluster=\(cluster.id)").decode([Deployment].self).dropFirst().first
        }
        #expect(correction?.chart?.version == "1.0.0" && correction?.action == .apply)
        let replicas = try CommandRun.run(
            "/usr/bin/kubectl",
            [
                "--kubeconfig", harness.emulator.kubeconfigPath, "-n", "prometheus", "get", "deployment/prometheus-server", "-o",
                "jsonpath={.spec.replicas}",
            ]
        )
        #expect(replicas.stdout == "1")
    }
}
