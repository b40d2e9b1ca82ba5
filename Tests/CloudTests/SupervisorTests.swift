import FleetAPI
import Foundation
import Logging
import TestSupport
import Testing

@testable import cloud

/// Supervisor decisions that need no provisioner: dependencies between deployments.
@Suite("Supervisor dependencies")
struct SupervisorTests {
    func fixture(provisioners: [String] = []) async throws -> (SQLStore, Supervisor, Cluster) {
        let directory = try Testbed.makeScratchDirectory()
        let store = try await SQLStore(sqlite: "\(directory)/cloud.db")
        let supervisor = Supervisor(
            store: store,
            pool: ProvisionerPool(urls: provisioners),
            configuration: .init(),
            logger: Logger(label: "test")
        )
        let cluster = Cluster(id: ID.make(), name: "c", dns: nil, labels: [], utilities: UtilityMetadata(), createAt: 1)
        return (store, supervisor, cluster)
    }

    func deployment(_ cluster: Cluster, _ service: ServiceName, state: CloudDeploymentState, dependsOn: String? = nil) -> Deployment {
        var deployment = Deployment.requested(
            clusterID: cluster.id,
            service: service,
            spec: DeploymentSpec(action: .apply, chart: nil, values: nil),
            timeoutSeconds: nil,
            now: 1,
            dependsOn: dependsOn
        )
        deployment.state = state
        return deployment
    }

    @Test("a deployment whose prerequisite failed fails too, saying why")
    func failedPrerequisite() async throws {
        let (store, supervisor, cluster) = try await fixture()
        try await store.createCluster(cluster, kubeconfig: .inline(KubeconfigSamples.make()))
        let nginx = deployment(cluster, "nginx", state: .failed)
        let prometheus = deployment(cluster, "prometheus", state: .requested, dependsOn: nginx.id)
        try await store.createDeployments([nginx, prometheus], desiredVersions: nil)

        await supervisor.tick()

        let after = try #require(try await store.deployment(prometheus.id))
        #expect(after.state == .failed)
        #expect(after.error?.contains("nginx deployment \(nginx.id) it depends on ended failed") == true)
    }

    @Test("a deployment waits while its prerequisite is still in flight", .tags(.integration), .skippedInFastRuns)
    func waitsForPrerequisite() async throws {
        // A ready provisioner, and a deployment on another cluster that the same pass dispatches:
        // the one waiting stays requested only because of its prerequisite.
        let scratch = try Testbed.makeScratchDirectory()
        let provisioner = try await ServerProcess.provisioner(scratch: scratch)
        defer { provisioner.stop() }
        let (store, supervisor, cluster) = try await fixture(provisioners: [provisioner.baseURL])
        var other = cluster
        other.id = ID.make()
        other.name = "other"
        try await store.createCluster(cluster, kubeconfig: .inline(KubeconfigSamples.make()))
        try await store.createCluster(other, kubeconfig: .inline(KubeconfigSamples.make()))
        let nginx = deployment(cluster, "nginx", state: .running)
        let prometheus = deployment(cluster, "prometheus", state: .requested, dependsOn: nginx.id)
        let control = deployment(other, "prometheus", state: .requested)
        try await store.createDeployments([nginx, prometheus], desiredVersions: nil)
        try await store.createDeployments([control], desiredVersions: nil)

        await supervisor.tick()

        #expect(try await store.deployment(control.id)?.state != .requested, "the pass dispatched what had no prerequisite")
        #expect(try await store.deployment(prometheus.id)?.state == .requested)
    }
}
