import FleetAPI
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// Services that cannot run beside each other on one cluster, as the provisioners publish them
/// (`ConflictsWith`): `prometheus` (the chart) and `prometheus-stack` (prometheus-operator's
/// objects) both claim `<cluster>.prometheus.<domain>`.
@Suite("Conflicting services", .serialized, .tags(.integration))
struct ConflictingServicesTests {
    @Test("one is refused (409, naming the other) where the other is deployed, and both at once on one cluster")
    func refused() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let nginx = try await harness.createDeployment(cluster.id, "nginx")
        #expect(try await harness.waitFor(nginx.id).state == .succeeded)
        let prometheus = try await harness.createDeployment(cluster.id, "prometheus")
        #expect(try await harness.waitFor(prometheus.id).state == .succeeded)

        let refused = try await harness.send(
            "POST",
            "/api/deployments",
            ["ClusterID": .string(cluster.id), "Service": "prometheus-stack", "Action": "apply", "Chart": ["Version": "1.0.0"]]
        )
        let other = try await harness.registerCluster("other")
        let both = try await harness.send(
            "POST",
            "/api/cluster/\(other.id)/provision",
            ["utility-versions": ["prometheus-stack": ["Chart": "1.0.0"], "prometheus": ["Chart": "25.18.0"]]]
        )

        #expect(refused.status == 409)
        #expect(refused.error?.error == "prometheus is deployed on cluster local; prometheus-stack cannot run beside it: delete prometheus first")
        #expect(both.status == 409 && both.error?.error.contains("cannot both run on cluster other") == true, "\(both.text)")
        #expect(try await harness.send("GET", "/api/deployments?cluster=\(cluster.id)").decode([Deployment].self).count == 2)
        #expect(try await harness.send("GET", "/api/deployments?cluster=\(other.id)").decode([Deployment].self).isEmpty)
    }
}
