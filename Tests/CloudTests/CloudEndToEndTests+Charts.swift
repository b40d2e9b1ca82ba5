import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import cloud

extension CloudEndToEndTests {
    @Test(
        "a signed chart from an OCI registry pinned by digest: a rollout pinned to other content fails before helm runs; a deployment records the digest and the verification, its page shows them, a rollout pinned to it records it per cluster, and the version pushed again is a chart change"
    )
    func ociChartPinnedByDigest() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let registry = try await LocalRegistry.start(scratch: scratch)
        let keys = try await SigningKeys.make(scratch: scratch)
        let digest = try await registry.push("fluent-bit-0.58.1", signedBy: keys, scratch: scratch)
        let harness = try await CloudHarness(
            provisioners: 1,
            provisionerArguments: [
                "--allowed-repository", registry.repository(), "--plain-http-registry", registry.address, "--chart-cache", "\(scratch)/cache",
                "--chart-keyring", keys.publicKeyring, "--require-verified-charts", registry.repository(), "--chart-tag-lifetime", "0",
            ]
        )
        defer {
            harness.close()
            registry.stop()
            try? FileManager.default.removeItem(atPath: scratch)
        }
        let cluster = try await harness.registerCluster()
        let other = "sha256:" + String(repeating: "e", count: 64)

        let started = try await harness.cli([
            "rollout", "create", "--service", "fluentbit", "--chart-version", "0.58.1", "--chart-repository", registry.repository(),
            "--chart-digest", other, "--cluster", cluster.id, "--batch-size", "100%",
        ])
        #expect(started.status == 0, "\(started.stderr)")
        let rollout = try WireJSON.decoder().decode(RolloutPrinter.View.self, from: Data(started.stdout.utf8)).rollout
        let waited = try await harness.cli(["rollout", "wait", "--rollout", rollout.id])
        #expect(waited.status == 1, "a rollout whose cluster failed ends unsuccessfully")
        let refused = try await harness.send("GET", "/api/deployments?cluster=\(cluster.id)").decode([Deployment].self)
        #expect(refused.count == 1 && refused[0].state == .failed)
        #expect(refused[0].error?.contains(other) == true && refused[0].error?.contains(digest) == true, "\(refused[0].error ?? "")")
        #expect(try await harness.emulator.history(ReleaseRef(name: "fluent-bit", namespace: "fluent-bit"), scratch: harness.scratch).isEmpty)

        let created = try await harness.cli([
            "deployment", "create", "--cluster", cluster.id, "--service", "fluentbit", "--chart-version", "0.58.1", "--repository",
            registry.repository(), "--digest", digest,
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let installed = try await harness.waitFor(try WireJSON.decoder().decode(Deployment.self, from: Data(created.stdout.utf8)).id)
        #expect(installed.state == .succeeded, "\(installed.error ?? "")")
        #expect(installed.chartDigest == digest && installed.chart?.digest == digest)
        #expect(installed.release?.chart == "fluent-bit-0.58.1")
        #expect(installed.chartVerification?.verified == true && installed.chartVerification?.fingerprint == keys.fingerprint)
        let page = try await harness.send("GET", "/ui/deployment/\(installed.id)").text
        #expect(page.contains(digest) && page.contains("verified: signed by Chart Signer &lt;chart-signer@example.com&gt;, key \(keys.fingerprint)"))

        // The first rollout halted on its failure: it ends only when cancelled.
        #expect(try await harness.cli(["rollout", "cancel", "--rollout", rollout.id]).status == 0)
        let pinned = try await harness.cli([
            "rollout", "create", "--service", "fluentbit", "--chart-version", "0.58.1", "--chart-repository", registry.repository(),
            "--chart-digest", digest, "--cluster", cluster.id, "--batch-size", "100%",
        ])
        #expect(pinned.status == 0, "\(pinned.stderr)")
        let pinnedID = try WireJSON.decoder().decode(RolloutPrinter.View.self, from: Data(pinned.stdout.utf8)).rollout.id
        #expect(try await harness.cli(["rollout", "wait", "--rollout", pinnedID]).status == 0)
        let report = try await harness.send("GET", "/api/rollout/\(pinnedID)").decode(RolloutPrinter.View.self)
        #expect(report.rollout.clusters.map(\.chartDigest) == [digest], "the rollout records the digest each cluster installed")
        let table = try await harness.cli(["rollout", "get", "--rollout", pinnedID, "--output", "table"])
        #expect(table.stdout.contains("CHART DIGEST") && table.stdout.contains(String(digest.prefix(19))), "\(table.stdout)")

        // The version pushed again with other content: an unpinned deployment installs it, and the
        // cluster's record says the content changed under the same version.
        let repushed = try await registry.push("fluent-bit-0.58.1", appVersion: "4.0.0-repushed", signedBy: keys, scratch: scratch)
        let unpinned = try await harness.cli([
            "deployment", "create", "--cluster", cluster.id, "--service", "fluentbit", "--chart-version", "0.58.1", "--repository",
            registry.repository(),
        ])
        let moved = try await harness.waitFor(try WireJSON.decoder().decode(Deployment.self, from: Data(unpinned.stdout.utf8)).id)
        #expect(moved.state == .succeeded && moved.chartDigest == repushed, "\(moved.error ?? "")")
        let events = try await harness.send("GET", "/api/events?after=0&types=cluster.chart-changed").text
        #expect(events.contains("chart digest \(digest) is now \(repushed)"), "\(events)")
    }
}
