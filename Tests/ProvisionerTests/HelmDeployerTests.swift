import FleetAPI
import Foundation
import HelmDriver
import Synchronization
import TestSupport
import Testing

@testable import provisioner

/// The three services deployed with real Helm against the Kubernetes emulator.
@Suite("Helm deployments against the testbed", .serialized, .tags(.integration), .skippedInFastRuns)
struct HelmDeployerTests {
    /// Each service at its default chart version (the testbed holds each upstream version we target).
    @Test("installs, then deletes, each helm service", arguments: ServiceCatalog.standard.helmNames)
    func installAndDelete(service: ServiceName) async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let release = harness.release(of: service)

        // prometheus-operator applies 4 MB of CRDs first: a minute was overrun on a loaded CI host.
        let installed = await harness.deploy(harness.request(service), within: .seconds(180))
        #expect(installed.outcome == .succeeded)
        #expect(installed.details.helm?.release?.revision == 1)
        #expect(installed.details.helm?.release?.status == .deployed)
        #expect(try await harness.history(release).last?.status == .deployed)

        let deleted = await harness.deploy(harness.request(service, .delete), within: .seconds(180))
        #expect(deleted.outcome == .succeeded)
        #expect(try await harness.history(release).isEmpty)
    }

    @Test("upgrades Prometheus from chart 25.18.0 to 25.19.0")
    func upgradePrometheus() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }

        #expect(await harness.deploy(harness.request("prometheus", version: "25.18.0")).outcome == .succeeded)
        let upgraded = await harness.deploy(harness.request("prometheus", version: "25.19.0"))

        #expect(upgraded.outcome == .succeeded)
        #expect(upgraded.details.helm?.release?.revision == 2)
        #expect(upgraded.details.helm?.release?.chart == "prometheus-25.19.0")
    }

    @Test("layers the request's values over the shipped ones")
    func valuesReachTheRelease() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let request = harness.request("prometheus", values: ["server": ["retention": "30d"]])

        #expect(await harness.deploy(request).outcome == .succeeded)

        let values = try await harness.values(harness.release(of: "prometheus"))
        #expect(values.contains("\"retention\":\"30d\""))
        #expect(values.contains("\"scrape_interval\":\"1m\""))
        #expect(values.contains("\"clusterID\":\"cluster1\""))
    }

    @Test("values are layered: shipped defaults, then per-cluster, then the request's")
    func valuesOrder() {
        let request = DeploymentRequest(
            clusterID: "c1",
            service: "prometheus",
            action: .apply,
            values: ["server": ["retention": "30d"]],
            kubeconfig: "",
            dns: DNSConfig(privateDomain: "internal.example")
        )
        let documents = HelmDeployer.values(for: request, service: Prometheus())

        #expect(documents.map(\.name) == ["defaults.yaml", "cluster.json", "request.json"])
        #expect(documents[1].contents.contains("c1.prometheus.internal.example"))
        #expect(documents[2].contents == #"{"server":{"retention":"30d"}}"#)
    }

    @Test("a failing upgrade is rolled back to the previous revision")
    func failedUpgradeRollsBack() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let release = harness.release(of: "prometheus")
        #expect(await harness.deploy(harness.request("prometheus")).outcome == .succeeded)

        let failing = harness.request("prometheus", values: ["server": ["image": ["tag": "fail-readiness"]]])
        // Long enough that helm's own timeout leaves it 8 s to record the failed revision (see
        // HelmTimeout) even when the whole suite runs at once; 15 s left 5, and 40 s was overrun
        // by a run beside the 100-cluster and Prometheus suites.
        let result = await harness.deploy(failing, within: .seconds(70))

        guard case .failed(let error) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(error.kind == .timedOut)
        #expect(result.details.helm?.remediation == RemediationRecord(.rollback(toRevision: 1), error: nil))
        #expect(result.details.helm?.release?.status == .deployed)
        #expect(try await harness.history(release).last?.status == .deployed)
        #expect(try await !harness.values(release).contains("fail-readiness"))
    }

    @Test("a failing first install is uninstalled")
    func failedFirstInstallIsUninstalled() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }

        let result = await harness.deploy(
            harness.request("fluentbit", values: ["image": ["tag": "fail-readiness"]]),
            within: .seconds(10)
        )

        #expect(result.details.helm?.remediation == RemediationRecord(.uninstall, error: nil))
        #expect(result.details.helm?.release == nil)
        #expect(try await harness.history(harness.release(of: "fluentbit")).isEmpty)
    }

    @Test("an install left pending by a helm killed longer ago than any operation lasts is uninstalled, then installed again")
    func killedInstallIsRecovered() async throws {
        let harness = try await DeployHarness(readyAfter: 10, now: DeployHarness.later(by: .seconds(3600)))
        defer { harness.close() }
        let release = harness.release(of: "nginx")

        let helm = try harness.startRawHelm("nginx", version: "4.15.1")
        try await harness.waitFor(.pendingInstall, of: release)
        kill(helm.processIdentifier, SIGKILL)
        helm.waitUntilExit()

        let result = await harness.deploy(harness.request("nginx"))
        #expect(result.details.helm?.recovery == RemediationRecord(.uninstall, error: nil))
        #expect(result.outcome == .succeeded)
        #expect(try await harness.history(release).last?.status == .deployed)
    }

    @Test("an upgrade left pending by an attempt the client knows ended is rolled back at once before the next apply")
    func killedUpgradeIsRecovered() async throws {
        let harness = try await Self.upgradeLeftPending()
        defer { harness.close() }

        var request = harness.request("prometheus", version: "25.19.0")
        request.previousAttemptsEnded = true
        let result = await harness.deploy(request)
        #expect(result.details.helm?.recovery == RemediationRecord(.rollback(toRevision: 1), error: nil))
        #expect(result.outcome == .succeeded)
        #expect(result.details.helm?.release?.chart == "prometheus-25.19.0")
    }

    @Test("deleting an upgrade left pending by a killed helm uninstalls it without rolling it back first")
    func killedUpgradeIsDeleted() async throws {
        let harness = try await Self.upgradeLeftPending(now: DeployHarness.later(by: .seconds(3600)))
        defer { harness.close() }
        let release = harness.release(of: "prometheus")

        let result = await harness.deploy(harness.request("prometheus", .delete))
        #expect(result.outcome == .succeeded)
        #expect(result.details.helm?.recovery == nil)
        #expect(!result.details.log.contains { $0.hasPrefix("helm rollback") })
        #expect(try await harness.history(release).isEmpty)
    }

    @Test("an apply to a healthy release runs one helm process; the history is read only to recover")
    func routineApplyRunsHelmOnce() async throws {
        let started = Mutex<[pid_t]>([])
        let harness = try await DeployHarness { pid in started.withLock { $0.append(pid) } }
        defer { harness.close() }

        #expect(await harness.deploy(harness.request("prometheus")).outcome == .succeeded)
        #expect(await harness.deploy(harness.request("prometheus", version: "25.19.0")).outcome == .succeeded)
        #expect(started.withLock { $0.count } == 2)
    }

    @Test("a cancelled apply stops helm and leaves no pending release")
    func cancelledApplyStopsHelm() async throws {
        let started = Mutex<[pid_t]>([])
        let harness = try await DeployHarness(readyAfter: 60) { pid in started.withLock { $0.append(pid) } }
        defer { harness.close() }
        let release = harness.release(of: "prometheus")

        let deployment = Task { await harness.deploy(harness.request("prometheus"), within: .seconds(120)) }
        try await harness.waitFor(.pendingInstall, of: release)
        deployment.cancel()
        let result = await deployment.value

        #expect(result.outcome == .cancelled)
        #expect(result.details.helm?.remediation == RemediationRecord(.uninstall, error: nil))
        for pid in started.withLock({ $0 }) {
            #expect(kill(pid, 0) == -1 && errno == ESRCH, "helm process \(pid) still exists")
        }
        #expect(try await harness.history(release).isEmpty)
    }

    @Test("a missing chart version is a clear failure that names the version")
    func missingChartVersion() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }

        let result = await harness.deploy(harness.request("prometheus", version: "9.9.9"))

        guard case .failed(let error) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(error.kind == .chartNotFound)
        #expect(error.message.contains("prometheus version 9.9.9 not found"))
    }

    @Test("charts come from a Helm repository when no chart directory is configured")
    func repositoryCharts() async throws {
        let harness = try await DeployHarness(chartDirectory: nil)
        defer { harness.close() }

        let result = await harness.deploy(harness.request("prometheus", version: "25.19.0"))

        #expect(result.outcome == .succeeded)
        #expect(result.details.helm?.release?.chart == "prometheus-25.19.0")
    }

    @Test("a chart version published after the repository was added is found: the index is refreshed once")
    func newChartVersion() async throws {
        let repository = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        try FileManager.default.copyItem(atPath: "\(Testbed.charts)/prometheus-25.18.0", toPath: "\(repository)/prometheus-25.18.0")
        // Served for the service's repository URL in place of the testbed's own charts.
        let harness = try await DeployHarness(chartDirectory: nil, configure: { $0.environment["TESTBED_CHARTS"] = repository })
        defer { harness.close() }
        #expect(await harness.deploy(harness.request("prometheus", version: "25.18.0")).outcome == .succeeded)

        try FileManager.default.copyItem(atPath: "\(Testbed.charts)/prometheus-25.19.0", toPath: "\(repository)/prometheus-25.19.0")
        let result = await harness.deploy(harness.request("prometheus", version: "25.19.0"))

        #expect(result.outcome == .succeeded, "\(result.details.log)")
        #expect(result.details.helm?.release?.chart == "prometheus-25.19.0")
    }

    @Test("a release too large for the output bound is still reported, from its history")
    func largeRelease() async throws {
        let harness = try await DeployHarness(configure: { $0.outputLimit = 512 })
        defer { harness.close() }

        let result = await harness.deploy(harness.request("nginx"))

        #expect(result.outcome == .succeeded)
        #expect(result.details.helm?.release?.status == .deployed)
        #expect(result.details.helm?.release?.chart == "ingress-nginx-4.15.1")
    }

    /// Prometheus deployed, then an upgrade to 25.19.0 killed while pending (SIGKILL: helm records nothing).
    static func upgradeLeftPending(now: @escaping @Sendable () -> Date = { Date() }) async throws -> DeployHarness {
        let harness = try await DeployHarness(readyAfter: 10, now: now)
        #expect(await harness.deploy(harness.request("prometheus")).outcome == .succeeded)
        let helm = try harness.startRawHelm("prometheus", version: "25.19.0")
        try await harness.waitFor(.pendingUpgrade, of: harness.release(of: "prometheus"))
        kill(helm.processIdentifier, SIGKILL)
        helm.waitUntilExit()
        return harness
    }
}
