import FleetAPI
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import cloud

extension CloudEndToEndTests {
    @Test("the CLI provisions any service a provisioner offers, with its values, after what it depends on")
    func provisionsOfferedServices() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let valuesFile = "\(harness.scratch)/metrics-server.yaml"
        try "replicas: 2\nargs: [--kubelet-insecure-tls]\n".write(toFile: valuesFile, atomically: true, encoding: .utf8)

        let run = try await harness.cli([
            "cluster", "provision", "--cluster", cluster.id, "--utility", "metrics-server=3.12.1",
            "--utility", "node-problem-detector=2.3.12", "--values", "metrics-server=\(valuesFile)",
            "--prometheus-version", "25.18.0", "--nginx-version", "4.15.1",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let created = try WireJSON.decoder().decode([Deployment].self, from: Data(run.stdout.utf8))
        #expect(created.map(\.service) == ["metrics-server", "nginx", "node-problem-detector", "prometheus"])
        #expect(created[3].dependsOn == created[1].id)
        #expect(created[0].values == ["replicas": 2, "args": ["--kubelet-insecure-tls"]])

        for deployment in created { #expect(try await harness.waitFor(deployment.id).state == .succeeded) }
        let utilities = try await harness.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self)
        #expect(utilities.actualVersions["metrics-server"] == .some(UtilityVersion(chart: "3.12.1")))
        #expect(utilities.actualVersions["node-problem-detector"] == .some(UtilityVersion(chart: "2.3.12")))

        let unknown = try await harness.cli(["cluster", "provision", "--cluster", cluster.id, "--utility", "redis=1.0.0"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown service \"redis\""))
        // The API's own refusal, once the provisioners have published their services (moved here
        // from the in-process request tests, which have no provisioner to publish them).
        let unknownService = try await harness.send(
            "POST",
            "/api/deployments",
            ["ClusterID": .string(cluster.id), "Service": "redis", "Action": "apply"]
        )
        #expect(unknownService.status == 400 && unknownService.error?.field == "Service")
    }
}
