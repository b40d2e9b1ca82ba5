import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import cloud

extension CloudEndToEndTests {
    @Test("a utility changed by hand is reported drifted (cloud cluster drift, GET /api/drift), and correct puts it back")
    func driftDetectedAndCorrected() async throws {
        let harness = try await CloudHarness(provisioners: 1, serverArguments: ["--drift-interval", "1s", "--drift-correction", "warn"])
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let deployment = try await harness.createDeployment(cluster.id, "prometheus", version: "25.18.0")
        #expect(try await harness.waitFor(deployment.id).state == .succeeded)

        let inSync = try await harness.cli(["cluster", "drift", "--cluster", cluster.id])
        #expect(inSync.status == 0, "\(inSync.stdout)\(inSync.stderr)")

        let kubectl = try await CommandRun.run(
            "/usr/bin/kubectl",
            ["--kubeconfig", harness.emulator.kubeconfigPath, "-n", "prometheus", "scale", "deployment/prometheus-server", "--replicas=3"]
        )
        try #require(kubectl.status == 0, "\(kubectl.stderr)")
        let drifted = try await harness.cli(["cluster", "drift", "--cluster", cluster.id, "--output", "table"])
        #expect(drifted.status == 2)
        #expect(drifted.stdout.contains("Drifted") && drifted.stdout.contains("spec.replicas is 3, not 1"))

        let fleet = try await harness.send("GET", "/api/drift?state=drifted").decode([FleetDrift].self)
        #expect(fleet.map(\.service) == ["prometheus"] && fleet.first?.clusterID == cluster.id)
        let utilities = try await harness.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self)
        #expect(utilities.drift?["prometheus"]?.state == .drifted)
        #expect(try await harness.send("GET", "/api/drift?state=sideways").status == 400)
        #expect(try await harness.send("GET", "/api/deployments?cluster=\(cluster.id)").decode([Deployment].self).count == 1, "warn corrects nothing")
    }

    @Test("a release upgraded by hand is reported drifted and the recorded version follows the release, which is the truth")
    func recordFollowsTheRelease() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let deployment = try await harness.createDeployment(cluster.id, "prometheus", version: "25.18.0")
        #expect(try await harness.waitFor(deployment.id).state == .succeeded)
        var utilities = try await harness.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self)
        #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.18.0")))
        let installed = try #require(utilities.actualReleases?["prometheus"])
        #expect(installed.revision == 1 && installed.firstDeployed != nil)

        let helm = HelmClient(configuration: Testbed.helmConfiguration(scratch: harness.scratch), logger: Testbed.logger)
        let upgrade = ["upgrade", "prometheus", "\(Testbed.charts)/prometheus-25.19.0", "-n", "prometheus", "--reuse-values"]
        try helm.check(try await helm.run(upgrade, kubeconfig: harness.emulator.kubeconfigPath, deadline: .now + .seconds(60)), arguments: upgrade)

        let checked = try await harness.send("POST", "/api/cluster/\(cluster.id)/drift").decode([String: DriftStatus].self)
        #expect(checked["prometheus"]?.reasons.contains("release prometheus/prometheus runs chart prometheus-25.19.0, not version 25.18.0") == true)
        utilities = try await harness.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self)
        #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.19.0")))
        #expect(utilities.actualReleases?["prometheus"] == RecordedRelease(revision: 2, firstDeployed: installed.firstDeployed))
    }

    @Test("a release uninstalled by hand and installed again by the server is recorded, though its revisions start again at 1")
    func recordFollowsAReinstall() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        for version in ["25.18.0", "25.19.0"] {
            #expect(try await harness.waitFor(try await harness.createDeployment(cluster.id, "prometheus", version: version).id).state == .succeeded)
        }
        let before = try #require(
            try await harness.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self).actualReleases?["prometheus"]
        )
        #expect(before.revision == 2)

        let helm = HelmClient(configuration: Testbed.helmConfiguration(scratch: harness.scratch), logger: Testbed.logger)
        let uninstall = ["uninstall", "prometheus", "-n", "prometheus", "--wait"]
        try helm.check(
            try await helm.run(uninstall, kubeconfig: harness.emulator.kubeconfigPath, deadline: .now + .seconds(60)),
            arguments: uninstall
        )
        #expect(try await harness.waitFor(try await harness.createDeployment(cluster.id, "prometheus", version: "25.18.0").id).state == .succeeded)

        let utilities = try await harness.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self)
        #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.18.0")))
        let after = try #require(utilities.actualReleases?["prometheus"])
        #expect(after.revision == 1 && after.firstDeployed != nil && after.firstDeployed != before.firstDeployed)
    }

    @Test("with provisioners of an older version (no POST /api/checks), a utility changed by hand is still found, by a check deployment")
    func driftWithOlderProvisioners() async throws {
        let harness = try await CloudHarness(provisioners: 1, olderProvisioners: true)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let deployment = try await harness.createDeployment(cluster.id, "prometheus", version: "25.18.0")
        let finished = try await harness.waitFor(deployment.id)
        #expect(finished.state == .succeeded, "\(finished)")
        let kubectl = try await CommandRun.run(
            "/usr/bin/kubectl",
            ["--kubeconfig", harness.emulator.kubeconfigPath, "-n", "prometheus", "scale", "deployment/prometheus-server", "--replicas=3"]
        )
        try #require(kubectl.status == 0, "\(kubectl.stderr)")

        let reply = try await harness.send("POST", "/api/cluster/\(cluster.id)/drift")
        #expect(reply.status == 200, "\(reply.text)")
        let prometheus = try reply.decode([String: DriftStatus].self)["prometheus"]
        #expect(prometheus?.state == .drifted)
        #expect(prometheus?.reasons.contains { $0.contains("spec.replicas is 3, not 1") } == true)
        let asked = try await harness.provisioners[0].request("GET", "/api/deployments?service=prometheus").decode([DeploymentStatus].self)
        #expect(asked.contains { $0.action == .check }, "checked as a check deployment")
    }

    @Test("with drift correction on, hand-made changes (scale, ConfigMap edit, Service deleted, helm uninstall) are put back by ordinary deployments")
    func driftCorrected() async throws {
        let harness = try await CloudHarness(provisioners: 1, serverArguments: ["--drift-interval", "1s", "--drift-correction", "correct"])
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let deployment = try await harness.createDeployment(cluster.id, "prometheus", version: "25.18.0")
        #expect(try await harness.waitFor(deployment.id).state == .succeeded)
        let kubectl = { (arguments: [String]) in
            try await CommandRun.run("/usr/bin/kubectl", ["--kubeconfig", harness.emulator.kubeconfigPath, "-n", "prometheus"] + arguments)
        }
        try #require(try await kubectl(["scale", "deployment/prometheus-server", "--replicas=3"]).status == 0)
        try #require(
            try await kubectl(["patch", "configmap/prometheus-server", "--type=merge", "-p", #"{"data":{"prometheus.yml":"edited"}}"#]).status == 0
        )
        try #require(try await kubectl(["delete", "service/prometheus-server"]).status == 0)

        try await waitForCorrections(harness, cluster: cluster.id, count: 1)
        #expect(try await kubectl(["get", "deployment/prometheus-server", "-o", "jsonpath={.spec.replicas}"]).stdout == "1")
        #expect(try await kubectl(["get", "configmap/prometheus-server", "-o", "jsonpath={.data.prometheus\\.yml}"]).stdout.hasPrefix("global:"))
        #expect(try await kubectl(["get", "service/prometheus-server"]).status == 0)

        let helm = HelmClient(configuration: Testbed.helmConfiguration(scratch: harness.scratch), logger: Testbed.logger)
        let uninstall = ["uninstall", "prometheus", "-n", "prometheus", "--wait"]
        try helm.check(
            try await helm.run(uninstall, kubeconfig: harness.emulator.kubeconfigPath, deadline: .now + .seconds(60)),
            arguments: uninstall
        )
        try await waitForCorrections(harness, cluster: cluster.id, count: 2)
        let reinstalled = try await harness.emulator.history(ReleaseRef(name: "prometheus", namespace: "prometheus"), scratch: harness.scratch)
        #expect(reinstalled.last?.status == .deployed && reinstalled.last?.chart == "prometheus-25.18.0")
        // (A helm rollback by hand is reported as drift in CheckTests; here it would race the
        // correction, as a person running helm against a corrected cluster would.)

        let audit = try await harness.send("GET", "/api/audit?actor=drift-correction").decode([AuditEntry].self)
        #expect(audit.count >= 2 && audit.allSatisfy { $0.targets.contains(cluster.id) })
    }

    @Test("right after every service is installed from its real chart, each is in sync, and correct starts nothing for two whole passes")
    func noFalseDrift() async throws {
        let harness = try await CloudHarness(provisioners: 1, serverArguments: ["--drift-interval", "1s", "--drift-correction", "correct"])
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let services = Testbed.defaultChartVersions.keys.sorted()
        let installs = try await services.asyncMap { try await harness.createDeployment(cluster.id, $0) }
        for install in installs { #expect(try await harness.waitFor(install.id).state == .succeeded) }

        let first = try await driftChecks(harness, cluster: cluster.id, services: services, after: nil)
        let second = try await driftChecks(harness, cluster: cluster.id, services: services, after: first.values.map(\.checkedAt).max())
        for (service, status) in first.merging(second, uniquingKeysWith: { [$0, $1].first { $0.state == .drifted } ?? $1 }) {
            #expect(status.state == .inSync, "\(service): \(status.reasons)")
        }
        let deployments = try await harness.send("GET", "/api/deployments?cluster=\(cluster.id)").decode([Deployment].self)
        #expect(deployments.count == services.count, "corrections started: \(deployments.dropFirst(services.count).map(\.service))")
    }

    /// Waits until each service's drift was checked (after `after`, the time of a pass before), and
    /// returns the checks.
    private func driftChecks(
        _ harness: CloudHarness,
        cluster: String,
        services: [ServiceName],
        after: Int64?
    ) async throws -> [String: DriftStatus] {
        var checked: [String: DriftStatus] = [:]
        let all = try await eventually(timeout: .seconds(90), every: .milliseconds(300)) {
            let drift = try await harness.send("GET", "/api/cluster/\(cluster)/utilities").decode(UtilityMetadata.self).drift ?? [:]
            checked = drift.filter { entry in services.contains { $0.rawValue == entry.key } && entry.value.checkedAt > (after ?? .min) }
            return checked.count == services.count
        }
        try #require(all, "drift checked for \(checked.keys.sorted()) of \(services)")
        return checked
    }

    /// Waits until `count` correcting deployments (after the first apply) have succeeded.
    private func waitForCorrections(_ harness: CloudHarness, cluster: String, count: Int) async throws {
        var corrections: ArraySlice<Deployment> = []
        let done = try await eventually(timeout: .seconds(90), every: .milliseconds(300)) {
            corrections = try await harness.send("GET", "/api/deployments?cluster=\(cluster)").decode([Deployment].self).dropFirst()
            return corrections.count >= count && corrections.allSatisfy { $0.state == .succeeded }
        }
        try #require(done, "\(corrections.count) of \(count) corrections: \(corrections.map(\.state))")
        #expect(corrections.allSatisfy { $0.action == .apply && $0.chart?.version == "25.18.0" })
    }
}
