import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import cloud

extension RolloutEndToEndTests {
    @Test("a rollout moves prometheus-stack, deployed as objects an operator reconciles, across the fleet in waves like a Helm chart")
    func objectsServiceInWaves() async throws {
        let fleet = try await RolloutFleet(clusters: 4)
        defer { fleet.close() }
        // The operator and its CRDs first (a Helm chart), as prometheus-stack's dependsOn says.
        let operators = try await fleet.startRollout("79.12.0", ["Service": "prometheus-operator", "BatchSize": "100%"])
        let installed = try await fleet.waitFor(operators.id)
        let errors = try await fleet.clusters.indices.asyncMap { try await fleet.deployments(of: $0).compactMap(\.error) }
        #expect(installed.state == .succeeded, "\(installed.error ?? ""): \(errors)")

        let retention: JSONValue = ["prometheus": ["retention": "30d"]]
        let rollout = try await fleet.startRollout("1.0.0", ["Service": "prometheus-stack", "Canary": 1, "BatchSize": "50%", "Values": retention])
        #expect(rollout.waves.count > 2, "a canary, then waves")

        let done = try await fleet.waitFor(rollout.id)
        #expect(done.state == .succeeded, "\(done.error ?? "")")
        #expect(done.clusters.allSatisfy { $0.state == .succeeded })
        for (index, cluster) in fleet.clusters.enumerated() {
            let live = try await CommandRun.run(
                "/usr/bin/kubectl",
                ["--kubeconfig", fleet.emulators[index].kubeconfigPath, "-n", "prometheus-stack", "get", "prometheus", "prometheus", "-o", "json"]
            )
            let spec = try WireJSON.decoder().decode(JSONValue.self, from: Data(live.stdout.utf8)).objectValue?["spec"]?.objectValue
            #expect(spec?["retention"] == "30d" && spec?["externalLabels"] == ["clusterID": .string(cluster.id)], "\(cluster.name)")
            let utilities = try await fleet.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self)
            #expect(utilities.actualVersions["prometheus-stack"] == .some(UtilityVersion(chart: "1.0.0")))
        }
    }
}
