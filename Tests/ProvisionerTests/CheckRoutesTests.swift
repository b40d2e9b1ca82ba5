import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import provisioner

/// `POST /api/checks`: several releases of one cluster checked in one request, answered in the
/// response, as check deployments would answer each.
@Suite("Drift checks answered in the response")
struct CheckRoutesTests {
    /// A valid request with some fields replaced (NSNull removes one).
    static func body(_ overrides: [String: Any] = [:]) -> Data {
        var object: [String: Any] = [
            "ClusterID": "c1",
            "Kubeconfig": ProvisionerBadInputTests.kubeconfig,
            "Releases": [["Service": "nginx"]],
        ]
        for (key, value) in overrides { object[key] = value is NSNull ? nil : value }
        return try! JSONSerialization.data(withJSONObject: object)
    }

    static let refused: [(name: String, body: Data, field: String)] = [
        ("releases missing", body(["Releases": NSNull()]), "Releases"),
        ("an unknown service", body(["Releases": [["Service": "nginx"], ["Service": "redis"]]]), "Releases[1].Service"),
        ("a service twice", body(["Releases": [["Service": "nginx"], ["Service": "nginx"]]]), "Releases[1].Service"),
        ("a bad chart version", body(["Releases": [["Service": "nginx", "Chart": ["Version": "1; rm -rf /"]]]]), "Releases[0].Chart.Version"),
        ("a revision below 1", body(["Releases": [["Service": "nginx", "ExpectedRevision": 0]]]), "Releases[0].ExpectedRevision"),
        ("an unparsable kubeconfig", body(["Kubeconfig": "{{{ not yaml"]), "Kubeconfig"),
        ("no kubeconfig", body(["Kubeconfig": NSNull()]), "Kubeconfig"),
        ("a bad cluster ID", body(["ClusterID": "../x"]), "ClusterID"),
        ("a timeout too large", body(["TimeoutSeconds": 3601]), "TimeoutSeconds"),
    ]

    @Test("a bad request is a 400 naming the field", arguments: refused.indices)
    func refusesNamingTheField(_ index: Int) async throws {
        let provisioner = try await InProcessProvisioner.start()
        defer { provisioner.stop() }
        let reply = try await provisioner.server.request(.post, "/api/checks", body: Self.refused[index].body)
        #expect(reply.status == 400, "\(Self.refused[index].name): \(reply.text)")
        #expect(reply.error?.field == Self.refused[index].field, "\(Self.refused[index].name)")
    }

    @Test("a cluster that does not answer is an error for each release, not a failed request, and names no secret")
    func unreachableCluster() async throws {
        let provisioner = try await InProcessProvisioner.start()
        defer { provisioner.stop() }
        let token = "s3cr3t-token-0123456789"
        let kubeconfig = ProvisionerBadInputTests.kubeconfig + "\nusers:\n- name: u\n  user:\n    token: \(token)\n"
        let request = DriftCheckRequest(
            clusterID: "c1",
            kubeconfig: kubeconfig,
            releases: [.init(service: "nginx"), .init(service: "prometheus")],
            timeoutSeconds: 10
        )
        let reply = try await provisioner.server.post("/api/checks", json: request)
        #expect(reply.status == 200, "\(reply.text)")
        let results = try reply.decode(DriftCheckResults.self).results
        #expect(results.map(\.service) == ["nginx", "prometheus"])
        #expect(results.allSatisfy { $0.drift == nil && $0.error?.isEmpty == false })
        #expect(!reply.text.contains(token))
        let metrics = try await provisioner.server.request(.get, "/metrics").text
        #expect(metrics.contains(#"provisioner_drift_checks_total{service="nginx",state="unanswered"} 1"#))
    }

    @Test(
        "one request checks each release named, in the order asked, as check deployments would",
        .tags(.integration),
        .skippedInFastRuns
    )
    func severalReleases() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        #expect(await harness.deploy(harness.request("metrics-server")).outcome == .succeeded)
        let provisioner = try await InProcessProvisioner.start()
        defer { provisioner.stop() }
        let request = DriftCheckRequest(
            clusterID: "c1",
            kubeconfig: harness.emulator.kubeconfig,
            releases: [
                .init(service: "node-problem-detector"),
                .init(service: "metrics-server", chart: ChartRequest(version: Testbed.defaultChartVersions["metrics-server"]), expectedRevision: 1),
            ]
        )
        let first = try await check(provisioner, request)
        #expect(first.map(\.service) == ["node-problem-detector", "metrics-server"])
        #expect(first.first?.drift?.reasons == ["release node-problem-detector/node-problem-detector is not installed"])
        #expect(first.last?.drift == DriftReport(reasons: []))
        #expect(first.last?.release?.revision == 1)
    }

    @Test(
        "releases found in sync are read again together, and a verb added to one's ClusterRole is found while the other stays in sync",
        .tags(.integration),
        .skippedInFastRuns
    )
    func rememberedReleasesTogether() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        for service: ServiceName in ["metrics-server", "node-problem-detector"] {
            #expect(await harness.deploy(harness.request(service)).outcome == .succeeded)
        }
        let provisioner = try await InProcessProvisioner.start()
        defer { provisioner.stop() }
        let request = DriftCheckRequest(
            clusterID: "c1",
            kubeconfig: harness.emulator.kubeconfig,
            releases: [.init(service: "metrics-server", expectedRevision: 1), .init(service: "node-problem-detector", expectedRevision: 1)]
        )
        let inSync = [DriftReport(reasons: []), DriftReport(reasons: [])]
        #expect(try await check(provisioner, request).map(\.drift) == inSync)
        #expect(try await check(provisioner, request).map(\.drift) == inSync, "answered from the objects' versions, both ClusterRoles in one list")

        _ = try await harness.kubectl([
            "patch", "clusterrole/node-problem-detector", "--type=json", "-p", #"[{"op":"replace","path":"/rules/0/verbs","value":["get","list"]}]"#,
        ])
        let after = try await check(provisioner, request)
        #expect(after.first?.drift == DriftReport(reasons: []))
        #expect(
            after.last?.drift?.reasons.first?.hasPrefix(#"ClusterRole/node-problem-detector changed: rules[0].verbs is ["get","list"], not ["get"]"#)
                == true,
            "\(after)"
        )
        _ = try await harness.kubectl(["-n", "kube-system", "scale", "deployment/metrics-server", "--replicas=3"])
        #expect(
            try await check(provisioner, request).first?.drift?.reasons == [
                "Deployment/kube-system/metrics-server changed: spec.replicas is 3, not 1 (by kubectl (scale))"
            ]
        )
    }

    @Test(
        "with no releases the answer is the cluster's Kubernetes version alone, as its GET /version says it, vendor suffix included",
        .tags(.integration),
        .skippedInFastRuns
    )
    func kubernetesVersion() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let provisioner = try await InProcessProvisioner.start()
        defer { provisioner.stop() }
        let request = DriftCheckRequest(clusterID: "c1", kubeconfig: harness.emulator.kubeconfig, releases: [])
        let first = try await provisioner.server.post("/api/checks", json: request).decode(DriftCheckResults.self)
        #expect(first == DriftCheckResults(results: [], kubernetesVersion: "v1.26.4+k3s1"))

        try harness.emulator.setKubernetesVersion("v1.30.2-eks-1552ad0")
        let upgraded = try await provisioner.server.post("/api/checks", json: request).decode(DriftCheckResults.self)
        #expect(upgraded.kubernetesVersion == "v1.30.2-eks-1552ad0")
    }

    func check(_ provisioner: InProcessProvisioner, _ request: DriftCheckRequest) async throws -> [DriftCheckResults.Result] {
        let reply = try await provisioner.server.post("/api/checks", json: request)
        #expect(reply.status == 200, "\(reply.text)")
        return try reply.decode(DriftCheckResults.self).results
    }
}
