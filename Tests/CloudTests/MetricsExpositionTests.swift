import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// Both servers' `/metrics` as Prometheus's own linter reads it (`promtool check metrics`, Debian's
/// prometheus package): every series with HELP and TYPE, names and units as Prometheus expects.
@Suite("Metrics exposition", .serialized, .tags(.integration), .skippedInFastRuns)
struct MetricsExpositionTests {
    /// `promtool check metrics` of `exposition` (read from stdin): its findings, empty when it passes.
    static func promtool(_ exposition: String) async throws -> String {
        let input = "\(try Testbed.makeScratchDirectory())/metrics.txt"
        defer { try? FileManager.default.removeItem(atPath: (input as NSString).deletingLastPathComponent) }
        try exposition.write(toFile: input, atomically: true, encoding: .utf8)
        let run = try await CommandRun.run("/bin/sh", ["-c", "promtool check metrics < \"$0\"", input])
        return run.status == 0 ? "" : run.stdout + run.stderr
    }

    @Test("after a deployment, promtool check metrics passes on the cloud server's and the provisioner's /metrics")
    func promtoolPasses() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let deployment = try await harness.createDeployment(cluster.id, "fluentbit")
        #expect(try await harness.waitFor(deployment.id).state == .succeeded)

        let cloud = try await harness.server.metrics(containing: "cloud_deployments_ended_total")
        let provisioner = try await harness.provisioners[0].metrics(containing: "provisioner_deployments_finished_total")

        #expect(cloud.contains(#"cloud_deployments_ended_total{service="fluentbit",state="succeeded"} 1"#), "\(cloud)")
        #expect(cloud.contains(#"cloud_deployment_attempts_total{service="fluentbit"} 1"#))
        #expect(cloud.contains(#"cloud_deployment_duration_seconds_count{outcome="succeeded",service="fluentbit"} 1"#))
        #expect(cloud.contains(#"cloud_provisioner_up{provisioner="\#(harness.provisioners[0].baseURL)"} 1"#))
        #expect(cloud.contains("cloud_database_call_duration_seconds_count"))
        #expect(try await Self.promtool(cloud) == "", "cloud server")
        #expect(provisioner.contains(#"provisioner_helm_calls_total{command="upgrade",outcome="succeeded"} 1"#), "\(provisioner)")
        #expect(provisioner.contains(#"provisioner_helm_call_duration_seconds_count{command="upgrade"} 1"#))
        #expect(try await Self.promtool(provisioner) == "", "provisioner")
    }
}
