import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import cloud

extension CloudEndToEndTests {
    @Test("cloud cluster diff shows what a version or values would change, exits as diff does, and changes nothing")
    func clusterDiff() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let diff = { (arguments: [String]) in try await harness.cli(["cluster", "diff", "--cluster", cluster.id] + arguments) }

        let first = try await diff(["--utility", "prometheus=25.18.0", "--output", "table"])
        #expect(first.status == 2, "\(first.stderr)")
        #expect(first.stdout.contains("prometheus: chart (not installed) -> prometheus-25.18.0"))
        #expect(first.stdout.contains("  + Deployment/prometheus/prometheus-server"))
        let untouched = try await harness.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self)
        #expect(untouched == UtilityMetadata(), "a plan sets no desired or actual version")

        let deployment = try await harness.createDeployment(cluster.id, "prometheus", version: "25.18.0")
        #expect(try await harness.waitFor(deployment.id).state == .succeeded)
        let same = try await diff(["--utility", "prometheus=25.18.0", "--output", "table"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        #expect(same.stdout.contains("0 to add, 0 to change, 0 to remove"))

        let valuesFile = "\(harness.scratch)/values.yaml"
        try "server: {retention: 30d}\n".write(toFile: valuesFile, atomically: true, encoding: .utf8)
        let changed = try await diff(["--utility", "prometheus=25.19.0", "--values", valuesFile, "--output", "table"])
        #expect(changed.status == 2)
        #expect(changed.stdout.contains("prometheus: chart prometheus-25.18.0 -> prometheus-25.19.0, values changed"))
        #expect(changed.stdout.contains("--- Deployment/prometheus/prometheus-server"))
        #expect(changed.stdout.contains("retention.time=30d"))
        let json = try await diff(["--utility", "prometheus=25.19.0"])
        let plan = try WireJSON.decoder().decode(ReleasePlan.self, from: Data(json.stdout.utf8))
        #expect(json.status == 2 && plan.chartChanged && plan.changed > 0)
        #expect(try await harness.emulator.history(ReleaseRef(name: "prometheus", namespace: "prometheus"), scratch: harness.scratch).count == 1)

        let unknown = try await diff(["--utility", "redis=1.0.0"])
        #expect(unknown.status == 1 && unknown.stderr.split(separator: "\n").count == 1 && unknown.stderr.contains("redis"))
    }
}
