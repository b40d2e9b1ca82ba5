import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// Charts from a real OCI registry (Debian's docker-registry, `testbed/oci-registry`), pushed by the
/// testbed's real Helm and pulled by a provisioner process into its cache.
@Suite("Charts from an OCI registry", .serialized, .tags(.integration), .skippedInFastRuns)
struct OCIChartTests {
    struct Setup {
        let harness: DeployHarness
        let registry: LocalRegistry
        let server: ServerProcess
        /// fluent-bit 0.58.1's manifest digest, as pushed.
        let digest: String

        func chart(_ version: String = "0.58.1", digest: String? = nil) -> ChartRequest {
            ChartRequest(version: version, repository: registry.repository(), digest: digest)
        }

        func apply(_ chart: ChartRequest) async throws -> DeploymentStatus {
            var request = harness.request("fluentbit")
            request.chart = chart
            let reply = try await server.post(request)
            guard reply.status == 202 || reply.status == 200 || reply.status == 201 else {
                throw DeployHarness.HarnessTimeout(message: "POST answered \(reply.status): \(String(decoding: reply.body, as: UTF8.self))")
            }
            return try await server.waitFor(try reply.decode(DeploymentStatus.self).id, timeout: .seconds(120))
        }

        func close() {
            server.stop()
            registry.stop()
            harness.close()
        }
    }

    static func start(_ arguments: [String] = []) async throws -> Setup {
        let harness = try await DeployHarness()
        let registry = try await LocalRegistry.start(scratch: harness.scratch)
        let digest = try await registry.push("fluent-bit-0.58.1", scratch: harness.scratch)
        let server = try await harness.startProvisioner(
            [
                "--allowed-repository", registry.repository(), "--plain-http-registry", registry.address,
                "--chart-cache", "\(harness.scratch)/chart-cache",
            ] + arguments
        )
        return Setup(harness: harness, registry: registry, server: server, digest: digest)
    }

    @Test("a chart is installed from the registry by version, and the deployment reports the digest pulled")
    func installsByVersion() async throws {
        let setup = try await Self.start()
        defer { setup.close() }

        let done = try await setup.apply(setup.chart())

        #expect(done.state == .succeeded, "\(done.error ?? "") \(done.log)")
        #expect(done.chart.digest == setup.digest)
        #expect(done.release?.chart == "fluent-bit-0.58.1")
    }

    @Test("a pinned digest installs that chart; another digest is refused before helm runs, naming both")
    func pinnedDigest() async throws {
        let setup = try await Self.start()
        defer { setup.close() }
        let other = "sha256:" + String(repeating: "0", count: 64)

        let pinned = try await setup.apply(setup.chart(digest: setup.digest))
        let refused = try await setup.apply(setup.chart(digest: other))

        #expect(pinned.state == .succeeded, "\(pinned.error ?? "")")
        #expect(refused.state == .failed)
        #expect(refused.error?.contains(setup.digest) == true && refused.error?.contains(other) == true, "\(refused.error ?? "")")
        #expect(try await setup.harness.history(setup.harness.release(of: "fluentbit")).count == 1, "helm never ran for the refused one")
    }

    @Test("a version pushed again with other content is a new digest: reported, and refused where the old one is pinned")
    func repushedVersion() async throws {
        let setup = try await Self.start(["--chart-tag-lifetime", "0"])
        defer { setup.close() }
        #expect(try await setup.apply(setup.chart()).chart.digest == setup.digest)

        let repushed = try await setup.registry.push("fluent-bit-0.58.1", appVersion: "4.0.0-repushed", scratch: setup.harness.scratch)
        let unpinned = try await setup.apply(setup.chart())
        let pinnedToOld = try await setup.apply(setup.chart(digest: setup.digest))

        #expect(repushed != setup.digest)
        #expect(unpinned.state == .succeeded && unpinned.chart.digest == repushed, "\(unpinned.error ?? "")")
        // The old archive is still in the cache: a pin is served from it, whatever the tag says now.
        #expect(pinnedToOld.state == .succeeded && pinnedToOld.chart.digest == setup.digest, "\(pinnedToOld.error ?? "")")
    }

    @Test("a version pushed again is refused where the old digest is pinned and its content was never pulled here")
    func repushedVersionRefusedWherePinned() async throws {
        let setup = try await Self.start()
        defer { setup.close() }
        let repushed = try await setup.registry.push("fluent-bit-0.58.1", appVersion: "4.0.0-repushed", scratch: setup.harness.scratch)

        let refused = try await setup.apply(setup.chart(digest: setup.digest))

        #expect(refused.state == .failed)
        #expect(refused.error?.contains(setup.digest) == true && refused.error?.contains(repushed) == true, "\(refused.error ?? "")")
        #expect(try await setup.harness.history(setup.harness.release(of: "fluentbit")).isEmpty, "helm never ran")
    }

    @Test("deployments of one chart fetch it from the registry once")
    func fetchedOnce() async throws {
        let setup = try await Self.start()
        defer { setup.close() }
        let before = setup.registry.blobRequests()

        for retention in ["1d", "2d", "3d", "4d", "5d"] {
            var request = setup.harness.request("fluentbit", values: ["config": ["service": .string(retention)]])
            request.chart = setup.chart()
            let done = try await setup.server.waitFor(try await setup.server.post(request).decode(DeploymentStatus.self).id, timeout: .seconds(120))
            #expect(done.state == .succeeded, "\(done.error ?? "")")
        }

        let fetched = setup.registry.blobRequests() - before
        #expect(fetched > 0 && fetched <= 2, "one pull: the chart's config and content blobs, once (\(fetched) blob requests)")
        let metrics = try await setup.server.metrics(containing: "provisioner_chart_cache_requests_total")
        #expect(metrics.contains(#"provisioner_chart_cache_requests_total{outcome="pulled"} 1"#), "\(metrics)")
        // Cached for each later one: a hit, or, on a host slow enough for the tag's lifetime to
        // pass meanwhile, a re-check of its manifest.
        let count = { (outcome: String) in
            metrics.split(separator: "\n").first { $0.hasPrefix(#"provisioner_chart_cache_requests_total{outcome="\#(outcome)"}"#) }
                .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        }
        #expect(count("hit") + count("rechecked") == 4, "\(metrics)")
    }

    @Test("past its tag lifetime a cached version is asked again by its manifest only: the chart is fetched once")
    func recheckedByManifest() async throws {
        let setup = try await Self.start(["--chart-tag-lifetime", "0"])
        defer { setup.close() }
        let before = (blobs: setup.registry.blobRequests(), manifests: setup.registry.manifestsServed())

        for _ in 0..<3 { #expect(try await setup.apply(setup.chart()).chart.digest == setup.digest) }

        #expect(setup.registry.blobRequests() - before.blobs <= 2, "the archive's blobs once")
        #expect(setup.registry.manifestsServed() - before.manifests >= 3, "one pull, then a manifest per re-check")
    }

    @Test("100 deployments of one chart to 100 clusters fetch it from the registry once")
    func fetchedOnceForAFleet() async throws {
        let setup = try await Self.start()
        defer { setup.close() }
        let fleet = try await EmulatedFleet.start(clusters: 100, scratch: setup.harness.scratch)
        defer { fleet.stop() }
        let before = setup.registry.blobRequests()

        let ids = try await fleet.kubeconfigs.enumerated().asyncMap { index, kubeconfig in
            var request = setup.harness.request("fluentbit")
            request.clusterID = "fleet\(index)"
            request.kubeconfig = kubeconfig
            request.chart = setup.chart()
            return try await setup.server.post(request).decode(DeploymentStatus.self).id
        }
        var succeeded = 0
        for id in ids {
            let done = try await setup.server.waitFor(id, timeout: .seconds(600))
            #expect(done.state == .succeeded, "\(done.error ?? "")")
            if done.chart.digest == setup.digest { succeeded += 1 }
        }

        #expect(succeeded == 100)
        let fetched = setup.registry.blobRequests() - before
        #expect(fetched > 0 && fetched <= 2, "one pull: the chart's config and content blobs, once (\(fetched) blob requests)")
    }

    @Test("the cache outlives the provisioner: a new process installs a pinned chart with the registry gone")
    func cacheSurvivesRestart() async throws {
        let setup = try await Self.start()
        defer { setup.close() }
        #expect(try await setup.apply(setup.chart()).state == .succeeded)
        setup.server.stop()
        setup.registry.stop()

        let restarted = try await setup.harness.startProvisioner([
            "--allowed-repository", setup.registry.repository(), "--plain-http-registry", setup.registry.address,
            "--chart-cache", "\(setup.harness.scratch)/chart-cache",
        ])
        defer { restarted.stop() }
        var request = setup.harness.request("fluentbit", values: ["config": ["service": "restarted"]])
        request.chart = setup.chart(digest: setup.digest)
        let done = try await restarted.waitFor(try await restarted.post(request).decode(DeploymentStatus.self).id, timeout: .seconds(120))

        #expect(done.state == .succeeded, "\(done.error ?? "")")
        #expect(done.chart.digest == setup.digest)
    }
}
