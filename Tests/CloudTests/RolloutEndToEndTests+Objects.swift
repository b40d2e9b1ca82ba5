import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import cloud

extension RolloutEndToEndTests {
    @Test("a rollout moves prometheus-stack, deployed as objects an operator reconciles, across the fleet in waves like a Helm chart")
    func objectsServiceInWaves() async throws {
        let fleet = try await RolloutFleet(clusters: 3)
        defer { fleet.close() }
        // The CRDs the objects need, as prometheus-operator's chart brings them (the emulator plays
        // the operator); the operator's own install is held by the provisioner's suites. Only these
        // three: a whole kube-prometheus-stack per cluster is minutes of work on a busy CI host.
        let crds = "\(Testbed.repositoryRoot)/../shared/charts/kube-prometheus-stack-88.5.3/charts/crds/crds"
        for emulator in fleet.emulators {
            let files = ["prometheuses", "alertmanagers", "servicemonitors"].flatMap { ["-f", "\(crds)/crd-\($0).yaml"] }
            let applied = try await CommandRun.run("/usr/bin/kubectl", ["--kubeconfig", emulator.kubeconfigPath, "apply", "--server-side"] + files)
            try #require(applied.status == 0, "\(applied.stderr)")
        }

        let retention: JSONValue = ["prometheus": ["retention": "30d"]]
        let rollout = try await fleet.startRollout("1.0.0", ["Service": "prometheus-stack", "Canary": 1, "BatchSize": "50%", "Values": retention])
        #expect(rollout.waves.count > 1, "a canary, then waves")

        let done = try await fleet.waitFor(rollout.id, timeout: .seconds(300))
        let errors = try await fleet.clusters.indices.asyncMap { try await fleet.deployments(of: $0).compactMap(\.error) }
        #expect(done.state == .succeeded, "\(done.error ?? ""): \(errors)")
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
