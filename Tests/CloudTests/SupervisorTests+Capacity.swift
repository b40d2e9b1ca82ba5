import FleetAPI
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import cloud

extension SupervisorTests {
    @Test(
        "a provisioner is sent what it can start and one more; the rest waits in the cloud for a free slot",
        .tags(.integration),
        .skippedInFastRuns
    )
    func dispatchWithinCapacity() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let provisioner = try await ServerProcess.provisioner(scratch: scratch, arguments: ["--max-concurrent", "1"])
        defer { provisioner.stop() }
        let readiness = try await provisioner.request("GET", "/readyz").decode(Readiness.self)
        #expect(readiness == Readiness(status: "ready", maxConcurrent: 1))
        let (store, supervisor, _) = try await fixture(provisioners: [provisioner.baseURL])
        var waiting: [Deployment] = []
        for index in 0..<4 {
            let cluster = Cluster(id: ID.make(), name: "c\(index)", dns: nil, labels: [], utilities: UtilityMetadata(), createAt: Int64(index))
            try await store.createCluster(cluster, kubeconfig: .inline(KubeconfigSamples.make()))
            waiting.append(deployment(cluster, "nginx", state: .requested))
        }
        try await store.createDeployments(waiting, desiredVersions: nil)

        await supervisor.tick()

        var states: [CloudDeploymentState] = []
        for deployment in waiting { states.append(try #require(try await store.deployment(deployment.id)).state) }
        #expect(states.count { $0 != .requested } == 1 + ProvisionerPool.queuedPerInstance, "\(states)")
    }
}
