import ArgumentParser
import FleetAPI
import Foundation
import Logging
import ServerSupport
import TestSupport
public import Testing

@testable import cloud

extension KubeconfigSamples.Forbidden: CustomTestStringConvertible {}

/// The cloud server stores and forwards only kubeconfigs that carry data: registration refuses
/// the rest, and one stored before that check fails its deployments instead of going out.
@Suite("Cloud server kubeconfig policy")
struct CloudKubeconfigPolicyTests {
    struct Fixture {
        let scratch: String
        let store: SQLStore
        let supervisor: Supervisor
        let server: InProcessRouter<CloudRequestContext>

        func stop() {
            try? FileManager.default.removeItem(atPath: scratch)
        }
    }

    func start(_ policy: KubeconfigPolicy = .dataOnly) async throws -> Fixture {
        let scratch = try Testbed.makeScratchDirectory()
        let store = try await SQLStore(sqlite: "\(scratch)/cloud.db")
        let pool = ProvisionerPool(urls: [])
        let supervisor = Supervisor(
            store: store,
            pool: pool,
            configuration: .init(kubeconfigPolicy: policy),
            logger: Logger(label: "test")
        )
        let router = try CloudServer.router(fleet: Fleet(supervisor: supervisor), apiTokens: nil, kubeconfigPolicy: policy)
        return Fixture(scratch: scratch, store: store, supervisor: supervisor, server: InProcessRouter(router))
    }

    func register(_ kubeconfig: String, on server: InProcessRouter<CloudRequestContext>) async throws -> ServerProcess.Reply {
        try await server.post("/api/clusters", json: ["Name": "prod", "Kubeconfig": kubeconfig])
    }

    @Test(
        "registering a cluster with a forbidden kubeconfig is refused with 400 naming Kubeconfig and the key",
        arguments: KubeconfigSamples.forbidden
    )
    func registerRefused(_ sample: KubeconfigSamples.Forbidden) async throws {
        let fixture = try await start()
        defer { fixture.stop() }

        let reply = try await register(sample.text, on: fixture.server)

        #expect(reply.status == 400, "\(reply.text)")
        #expect(reply.error?.field == "Kubeconfig")
        #expect(reply.error?.error.contains(sample.key) == true, "\(reply.text)")
        #expect(try await fixture.store.clusters(label: nil, page: 0, perPage: 10).isEmpty)
    }

    @Test("an exec plugin is registered only with --allow-kubeconfig-exec")
    func execAllowed() async throws {
        let exec = KubeconfigSamples.make(user: [KubeconfigSamples.execPlugin])
        let strict = try await start()
        defer { strict.stop() }
        #expect(try await register(exec, on: strict.server).status == 400)

        let trusting = try await start(KubeconfigPolicy(allowExec: true))
        defer { trusting.stop() }
        #expect(try await register(exec, on: trusting.server).status == 200)
        #expect(try await register(KubeconfigSamples.make(user: ["tokenFile: /etc/hostname"]), on: trusting.server).status == 400)
    }

    @Test("cloud server takes --allow-kubeconfig-exec, off by default")
    func flag() throws {
        #expect(try ServerRunCommand.parse([]).allowKubeconfigExec == false)
        #expect(try ServerRunCommand.parse(["--allow-kubeconfig-exec"]).allowKubeconfigExec)
    }

    @Test("a valid kubeconfig is registered")
    func validRegistered() async throws {
        let fixture = try await start()
        defer { fixture.stop() }
        #expect(try await register(KubeconfigSamples.make(), on: fixture.server).status == 200)
    }

    @Test("a file:// chart repository is refused with 400 naming Chart.Repository")
    func fileRepositoryRefused() async throws {
        let fixture = try await start()
        defer { fixture.stop() }
        let cluster = try await register(KubeconfigSamples.make(), on: fixture.server).decode(Cluster.self)

        let reply = try await fixture.server.post(
            "/api/deployments",
            json: [
                "ClusterID": .string(cluster.id), "Service": "nginx", "Action": "apply", "Chart": ["Repository": "file:///etc"],
            ] as JSONValue
        )

        #expect(reply.status == 400, "\(reply.text)")
        #expect(reply.error?.field == "Chart.Repository")
    }

    @Test("a stored kubeconfig that is now refused fails its deployment with the reason instead of being forwarded")
    func storedKubeconfigNotForwarded() async throws {
        let fixture = try await start()
        defer { fixture.stop() }
        let cluster = Cluster(id: ID.make(), name: "old", dns: nil, labels: [], utilities: UtilityMetadata(), createAt: 1)
        try await fixture.store.createCluster(cluster, kubeconfig: .inline(KubeconfigSamples.make(user: ["tokenFile: /etc/hostname"])))
        let deployment = Deployment.requested(
            clusterID: cluster.id,
            service: "nginx",
            spec: DeploymentSpec(action: .apply, chart: nil, values: nil),
            timeoutSeconds: nil,
            now: 1
        )
        try await fixture.store.createDeployments([deployment], desiredVersions: nil)

        await fixture.supervisor.tick()

        let after = try #require(try await fixture.store.deployment(deployment.id))
        #expect(after.state == .failed)
        #expect(after.provisioner == nil)
        #expect(after.endAt > 0)
        #expect(after.error?.contains("users[admin].user.tokenFile is refused") == true, "\(after.error ?? "")")
    }
}
