import FleetAPI
import Foundation
import Logging
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The supervisor writes what `DeploymentLifecycle` decides and carries out its actions: checked
/// on a real store, with a mock clock and no provisioner.
@Suite("Supervisor executes the lifecycle")
struct SupervisorLifecycleTests {
    let clock = ManualClock()

    func fixture() async throws -> (SQLStore, Supervisor, Deployment) {
        let directory = try Testbed.makeScratchDirectory()
        let store = try await SQLStore(sqlite: "\(directory)/cloud.db")
        let supervisor = Supervisor(
            store: store,
            pool: ProvisionerPool(urls: []),
            configuration: .init(),
            clock: clock,
            logger: Logger(label: "test")
        )
        let cluster = Cluster(id: ID.make(), name: "c", dns: nil, labels: [], utilities: UtilityMetadata(), createAt: 1)
        try await store.createCluster(cluster, kubeconfig: .inline(KubeconfigSamples.make()))
        let deployment = Deployment.running(cluster: cluster.id, service: "nginx", chart: ChartRequest(version: "1.2.3"))
        try await store.createDeployments([deployment], desiredVersions: nil)
        return (store, supervisor, deployment)
    }

    func report(_ state: DeploymentState, of deployment: Deployment) throws -> DeploymentStatus {
        DeploymentStatus(
            id: try #require(deployment.provisionerDeploymentID),
            clusterID: deployment.clusterID,
            service: deployment.service,
            action: deployment.action,
            chart: ChartRequest(version: "1.2.3"),
            state: state,
            createAt: 1
        )
    }

    @Test("a reported success is written at the clock's time and sets the cluster's actual version")
    func successWritten() async throws {
        let (store, supervisor, deployment) = try await fixture()
        clock.advance(by: .seconds(5))

        let written = try await supervisor.apply(.reported(try report(.succeeded, of: deployment)), to: deployment.id)

        #expect(written.state == .succeeded && written.endAt == clock.millisecondsSince1970)
        #expect(try await store.deployment(deployment.id) == written)
        let cluster = try #require(try await store.cluster(deployment.clusterID))
        #expect(cluster.utilities.actualVersions["nginx"] == .some(UtilityVersion(chart: "1.2.3")))
    }

    @Test("an event that no longer applies leaves the stored deployment as it was")
    func staleEventIgnored() async throws {
        let (store, supervisor, deployment) = try await fixture()
        var stale = try report(.failed, of: deployment)
        stale.id = DeploymentLifecycle.attemptID(of: deployment.id, attempt: 0)

        let after = try await supervisor.apply(.reported(stale), to: deployment.id)

        #expect(after == deployment)
        #expect(try await store.deployment(deployment.id) == deployment)
    }

    @Test("a refused cancel throws the refusal and writes nothing")
    func refusalPropagates() async throws {
        let (store, supervisor, deployment) = try await fixture()
        _ = try await supervisor.apply(.reported(try report(.failed, of: deployment)), to: deployment.id)
        let failed = try await store.deployment(deployment.id)

        await #expect(throws: DeploymentLifecycle.Refusal.self) {
            try await supervisor.apply(.cancelRequested, to: deployment.id)
        }
        #expect(try await store.deployment(deployment.id) == failed)
    }
}
