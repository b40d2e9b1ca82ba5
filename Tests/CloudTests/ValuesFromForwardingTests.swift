import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// `ValuesFrom` on the cloud server: checked, kept and shown as references (nothing to hide: the
/// values stay in AWS), and sent on to the provisioner with the rest of the deployment.
@Suite("ValuesFrom on the cloud server")
struct ValuesFromForwardingTests {
    static let reference: JSONValue = ["Path": "grafana.adminPassword", "SecretsManager": ["SecretID": "prod/grafana"], "Key": "password"]

    let cloud: InProcessCloud
    let clusterID: String

    init() async throws {
        cloud = try await InProcessCloud()
        clusterID = try await cloud.router.post(
            "/api/clusters",
            json: ["Name": JSONValue.string("edge"), "Kubeconfig": .string(KubeconfigSamples.make())]
        ).decode(Cluster.self).id
    }

    @Test("a deployment keeps its references, shows them to every reader, and sends them to the provisioner")
    func keptShownAndForwarded() async throws {
        let body: JSONValue = ["ClusterID": .string(clusterID), "Service": "prometheus", "Action": "apply", "ValuesFrom": [Self.reference]]
        let created = try await cloud.router.post("/api/deployments", json: body)
        #expect(created.status == 202, "\(created.text)")
        let id = try created.decode(Deployment.self).id

        let shown = try await cloud.router.request(.get, "/api/deployment/\(id)")
        #expect(shown.text.contains("\"ValuesFrom\"") && shown.text.contains("prod/grafana"), "\(shown.text)")
        let stored = try #require(try await cloud.store.deployment(id))
        let sent = DeploymentRequest(clusterID: stored.clusterID, service: stored.service, spec: stored.spec)
        #expect(sent.valuesFrom == [ValueReference(path: "grafana.adminPassword", secretsManager: .init(secretID: "prod/grafana"), key: "password")])
        let wire = String(decoding: try WireJSON.encoder().encode(sent), as: UTF8.self)
        #expect(wire.contains("\"ValuesFrom\":[{"), "\(wire)")
    }

    @Test("a bad reference is refused by deployments and rollouts alike, naming the field")
    func refused() async throws {
        let bad: JSONValue = ["Path": "grafana..x", "SSMParameter": ["Name": "/p"]]
        let deployment: JSONValue = ["ClusterID": .string(clusterID), "Service": "prometheus", "Action": "apply", "ValuesFrom": [bad]]
        let rollout: JSONValue = ["Service": "prometheus", "Chart": ["Version": "25.19.0"], "All": true, "ValuesFrom": [bad]]
        for (path, body) in [("/api/deployments", deployment), ("/api/rollouts", rollout)] {
            let reply = try await cloud.router.post(path, json: body)
            #expect(reply.status == 400 && reply.error?.field == "ValuesFrom[0].Path", "\(path): \(reply.text)")
        }
    }
}
