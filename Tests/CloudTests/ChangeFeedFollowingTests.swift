import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// The cloud server learns outcomes from the provisioners' change feeds, not only by polling.
@Suite("Cloud server follows change feeds", .serialized, .tags(.integration), .skippedInFastRuns)
struct ChangeFeedFollowingTests {
    @Test("with a ten-minute poll, outcomes still arrive at once and dependent deployments follow")
    func outcomesArriveWithoutPolling() async throws {
        let harness = try await CloudHarness(provisioners: 1, serverArguments: ["--poll", "10m"])
        defer { harness.close() }
        let cluster = try await harness.registerCluster()

        let created = try await harness.send(
            "POST",
            "/api/cluster/\(cluster.id)/provision",
            [
                "utility-versions": ["prometheus": ["Chart": "25.18.0"], "nginx": ["Chart": "4.15.1"]]
            ]
        ).decode([Deployment].self)

        #expect(created.count == 2, "one deployment per utility")
        for deployment in created {
            let done = try await harness.waitFor(deployment.id, timeout: .seconds(60))
            #expect(done.state == .succeeded)
            #expect(!done.log.isEmpty, "the final status, log included, came through the feed")
        }
    }

    @Test("provisioner-side IDs map back to the deployment they are an attempt of")
    func provisionerIDs() {
        #expect(Supervisor.deploymentID(fromProvisionerID: "abc123-2") == "abc123")
        #expect(Supervisor.deploymentID(fromProvisionerID: "abc123") == "abc123")
    }
}
