import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// The check action against changes made by hand, out of band, with kubectl and helm: each is
/// reported as its own reason, and an untouched release is in sync.
@Suite("Check a release for drift", .serialized, .tags(.integration), .skippedInFastRuns)
struct CheckTests {
    /// A harness with prometheus 25.18.0 applied (revision 1).
    func installed() async throws -> DeployHarness {
        let harness = try await DeployHarness()
        #expect(await harness.deploy(harness.request("prometheus", version: "25.18.0")).outcome == .succeeded)
        return harness
    }

    func check(_ harness: DeployHarness, revision: Int? = 1) async throws -> DriftReport {
        var request = harness.request("prometheus", .check, version: "25.18.0")
        request.expectedRevision = revision
        // A deadline for a loaded CI host: a check reads every object of the release.
        let result = await harness.deploy(request, within: .seconds(180))
        #expect(result.outcome == .succeeded, "\(result.outcome)")
        return try #require(result.details.drift)
    }

    func kubectl(_ harness: DeployHarness, _ arguments: String...) async throws {
        try await harness.kubectl(["-n", "prometheus"] + arguments)
    }

    func helm(_ harness: DeployHarness, _ arguments: String...) async throws {
        let result = try await harness.helm.run(
            arguments + ["-n", "prometheus"],
            kubeconfig: harness.emulator.kubeconfigPath,
            deadline: .now + .seconds(60)
        )
        try harness.helm.check(result, arguments: arguments)
    }

    @Test("a check starts no helm process: it reads Helm's storage Secret and the live objects")
    func noHelmProcess() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let calls = "\(scratch)/helm-calls"
        try "#!/bin/sh\necho \"$1\" >> \(calls)\nexec \(Testbed.helm) \"$@\"\n".write(toFile: "\(scratch)/helm", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(scratch)/helm")
        let harness = try await DeployHarness(configure: { $0.executable = "\(scratch)/helm" })
        defer { harness.close() }
        #expect(await harness.deploy(harness.request("prometheus", version: "25.18.0")).outcome == .succeeded)
        let applied = try String(contentsOfFile: calls, encoding: .utf8).split(separator: "\n").count
        #expect(applied >= 1, "the apply ran helm through the wrapper")

        #expect(try await check(harness) == DriftReport(reasons: []))
        #expect(try String(contentsOfFile: calls, encoding: .utf8).split(separator: "\n").count == applied)
    }

    @Test("an untouched release is in sync")
    func inSync() async throws {
        let harness = try await installed()
        defer { harness.close() }
        #expect(try await check(harness) == DriftReport(reasons: []))
    }

    @Test(
        "every helm service is in sync right after its install, and after its upgrade to the newer chart",
        arguments: ServiceCatalog.standard.helmNames
    )
    func inSyncOnEveryChart(_ name: ServiceName) async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let versions = try UpstreamChart.versions(of: try #require(harness.catalog[name]).helm.chart.name).map(\.version)
        for (index, version) in versions.enumerated() {
            // Five minutes, not the harness's one: kube-prometheus-stack's CRDs are megabytes, applied
            // before its upgrade, and a full parallel run on two cores has taken over a minute for them.
            let applied = await harness.deploy(harness.request(name, version: version), within: .seconds(300))
            #expect(applied.outcome == .succeeded, "\(name) \(version): \(applied.details.log.suffix(5))")
            var check = harness.request(name, .check, version: version)
            check.expectedRevision = index + 1
            let result = await harness.deploy(check)
            #expect(result.details.drift == DriftReport(reasons: []), "\(name) \(version)")
        }
    }

    @Test("the NGINX admission webhook configuration deleted by hand is drift")
    func webhookConfigurationDeleted() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        #expect(await harness.deploy(harness.request("nginx")).outcome == .succeeded)
        try await harness.kubectl(["delete", "validatingwebhookconfiguration/nginx-ingress-nginx-admission"])
        var check = harness.request("nginx", .check)
        check.expectedRevision = 1
        let reasons = await harness.deploy(check).details.drift?.reasons
        #expect(reasons == ["ValidatingWebhookConfiguration/nginx-ingress-nginx-admission was deleted"])
    }

    @Test("a release found in sync is remembered, and a change after that check is still found")
    func rememberedThenChanged() async throws {
        let harness = try await installed()
        defer { harness.close() }
        #expect(try await check(harness) == DriftReport(reasons: []))
        #expect(harness.deployer.driftMemory.count == 1)
        #expect(try await check(harness) == DriftReport(reasons: []), "unchanged: answered from the objects' versions")

        try await kubectl(harness, "scale", "deployment/prometheus-server", "--replicas=3")
        #expect(
            try await check(harness).reasons == ["Deployment/prometheus/prometheus-server changed: spec.replicas is 3, not 1 (by kubectl (scale))"]
        )
        #expect(harness.deployer.driftMemory.count == 0, "a drifted release is not remembered")
        try await kubectl(harness, "scale", "deployment/prometheus-server", "--replicas=1")
        #expect(try await check(harness) == DriftReport(reasons: []))
        try await kubectl(harness, "patch", "configmap/prometheus-server", "--type=merge", "-p", #"{"data":{"prometheus.yml":"edited"}}"#)
        #expect(try await check(harness).reasons.first?.hasPrefix("ConfigMap/prometheus/prometheus-server changed") == true)
    }

    @Test("a remembered release's objects read by their collections: one that lost the release's label is still read, and its change found")
    func unlabelledObjectStillRead() async throws {
        let harness = try await installed()
        defer { harness.close() }
        #expect(try await check(harness) == DriftReport(reasons: []))
        #expect(harness.deployer.driftMemory.count == 1)
        try await kubectl(harness, "label", "deployment/prometheus-server", "app.kubernetes.io/instance-")
        let reasons = try await check(harness).reasons
        #expect(
            reasons.contains { $0.hasPrefix("Deployment/prometheus/prometheus-server changed: metadata.labels.app.kubernetes.io/instance is unset") }
        )
    }

    @Test("a Deployment scaled by hand is drift naming the field")
    func scaled() async throws {
        let harness = try await installed()
        defer { harness.close() }
        try await kubectl(harness, "scale", "deployment/prometheus-server", "--replicas=3")
        let report = try await check(harness)
        #expect(report.state == .drifted)
        #expect(report.reasons == ["Deployment/prometheus/prometheus-server changed: spec.replicas is 3, not 1 (by kubectl (scale))"])
    }

    @Test("a ConfigMap edited by hand and a Service deleted by hand are each a reason")
    func editedAndDeleted() async throws {
        let harness = try await installed()
        defer { harness.close() }
        try await kubectl(harness, "patch", "configmap/prometheus-server", "--type=merge", "-p", #"{"data":{"prometheus.yml":"edited"}}"#)
        try await kubectl(harness, "delete", "service/prometheus-server")
        let reasons = try await check(harness).reasons
        #expect(reasons.contains { $0.hasPrefix("ConfigMap/prometheus/prometheus-server changed: data.prometheus.yml is \"edited\"") })
        #expect(reasons.contains("Service/prometheus/prometheus-server was deleted"))
    }

    @Test("a helm rollback by hand is a revision someone else made")
    func rolledBackByHand() async throws {
        let harness = try await installed()
        defer { harness.close() }
        #expect(
            await harness.deploy(harness.request("prometheus", version: "25.18.0", values: ["server": ["replicaCount": 2]])).outcome == .succeeded
        )
        try await helm(harness, "rollback", "prometheus", "1", "--wait")
        let reasons = try await check(harness, revision: 2).reasons
        #expect(reasons.contains { $0.hasPrefix("release prometheus/prometheus is at revision 3, not 2") })
    }

    @Test("a Secret edited by hand is drift naming the field, never its values; a name that is no object name is refused")
    func secretsStaySecret() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let create = try await CommandRun.run(
            "/usr/bin/kubectl",
            ["--kubeconfig", harness.emulator.kubeconfigPath, "create", "namespace", "prometheus"]
        )
        try #require(create.status == 0, "\(create.stderr)")
        try await kubectl(harness, "create", "secret", "generic", "creds", "--from-literal=password=hunter2-by-hand")
        let kube = KubeClient(kubeconfig: try Kubeconfig(parsing: harness.emulator.kubeconfig, policy: .testbed))
        let manifest = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: creds
            data:
              password: \(Data("from-the-chart".utf8).base64EncodedString())
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ../../secrets/creds
            """
        let reasons = try await kube.drift(ofManifest: manifest, namespace: "prometheus")
        #expect(
            reasons == [
                "Secret/prometheus/creds changed: data.password differs (by kubectl-create)",
                "ConfigMap/../../secrets/creds: not a valid object name or namespace",
            ]
        )
        let secretValues = [Data("hunter2-by-hand".utf8).base64EncodedString(), Data("from-the-chart".utf8).base64EncodedString()]
        #expect(!reasons.joined().contains(secretValues[0]) && !reasons.joined().contains(secretValues[1]))
    }

    @Test("a helm uninstall by hand leaves the release missing")
    func uninstalledByHand() async throws {
        let harness = try await installed()
        defer { harness.close() }
        try await helm(harness, "uninstall", "prometheus", "--wait")
        #expect(try await check(harness).reasons == ["release prometheus/prometheus is not installed"])
    }
}
