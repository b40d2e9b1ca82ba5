import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// Digests and provenance of charts from a Helm repository (what the testbed serves for the service's
/// https URL from `$TESTBED_CHARTS`: archives the testbed's real Helm packaged) and from the chart
/// directory. The expected digests are what `sha256sum` says of the archives, as `helm repo index`
/// lists them.
@Suite("Chart digests from repositories and chart directories", .serialized, .tags(.integration), .skippedInFastRuns)
struct RepositoryChartDigestTests {
    struct Setup {
        let harness: DeployHarness
        /// What the repository serves: fluent-bit-0.58.1.tgz, packaged by helm.
        let repository: String
        let server: ServerProcess

        func apply(_ version: String = "0.58.1", digest: String? = nil) async throws -> DeploymentStatus {
            var request = harness.request("fluentbit")
            request.chart = ChartRequest(version: version, digest: digest)
            return try await server.waitFor(try await server.post(request).decode(DeploymentStatus.self).id, timeout: .seconds(120))
        }

        func close() {
            server.stop()
            harness.close()
        }
    }

    static let fluentBitRepository = "https://fluent.github.io/helm-charts"

    /// A provisioner reading charts from the service's repository (no chart directory), served from a
    /// folder holding `archives`, with `arguments`.
    static func start(_ arguments: [String] = [], archives: [String]) async throws -> Setup {
        let harness = try await DeployHarness()
        let repository = "\(harness.scratch)/repository"
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        for archive in archives { try publish(archive, in: repository) }
        let server = try await harness.startProvisioner(
            ["--chart-cache", "\(harness.scratch)/chart-cache", "--chart-tag-lifetime", "0"] + arguments,
            environment: ["TESTBED_CHARTS": repository],
            chartDirectory: nil
        )
        return Setup(harness: harness, repository: repository, server: server)
    }

    /// Puts `archive` (and its `.prov`, if any) into the repository folder, replacing what was there.
    static func publish(_ archive: String, in repository: String) throws {
        let files = FileManager.default
        for file in [archive, "\(archive).prov"] where files.fileExists(atPath: file) {
            let target = "\(repository)/\((file as NSString).lastPathComponent)"
            try? files.removeItem(atPath: target)
            try files.copyItem(atPath: file, toPath: target)
        }
    }

    /// `sha256sum`'s digest of a file, as `sha256:HEX`.
    static func sha256sum(_ path: String) async throws -> String {
        let run = try await CommandRun.run("/usr/bin/sha256sum", [path])
        return "sha256:" + (run.stdout.split(separator: " ").first.map(String.init) ?? "")
    }

    @Test("a repository chart is installed from the archive pulled into the cache; the deployment reports its sha256")
    func reportsArchiveDigest() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let archive = try await LocalRegistry.package("fluent-bit-0.58.1", scratch: scratch)
        let setup = try await Self.start(archives: [archive])
        defer { setup.close() }

        let done = try await setup.apply()

        #expect(done.state == .succeeded, "\(done.error ?? "") \(done.log)")
        #expect(done.chart.digest == (try await Self.sha256sum(archive)))
        #expect(done.release?.chart == "fluent-bit-0.58.1")
    }

    @Test("a pinned digest installs that archive; other content is refused before helm runs, naming both digests")
    func pinnedDigest() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let archive = try await LocalRegistry.package("fluent-bit-0.58.1", scratch: scratch)
        let digest = try await Self.sha256sum(archive)
        let setup = try await Self.start(archives: [archive])
        defer { setup.close() }
        let other = "sha256:" + String(repeating: "0", count: 64)

        let pinned = try await setup.apply(digest: digest)
        let refused = try await setup.apply(digest: other)

        #expect(pinned.state == .succeeded && pinned.chart.digest == digest, "\(pinned.error ?? "")")
        #expect(refused.state == .failed)
        #expect(refused.error?.contains(digest) == true && refused.error?.contains(other) == true, "\(refused.error ?? "")")
        #expect(try await setup.harness.history(setup.harness.release(of: "fluentbit")).count == 1, "helm never ran for the refused one")
    }

    @Test("a version published again with other content is reported as its new digest")
    func republishedVersion() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let first = try await LocalRegistry.package("fluent-bit-0.58.1", scratch: scratch)
        let again = try await LocalRegistry.package("fluent-bit-0.58.1", appVersion: "4.0.0-republished", scratch: scratch)
        let setup = try await Self.start(archives: [first])
        defer { setup.close() }
        let before = try await setup.apply()

        try Self.publish(again, in: setup.repository)
        let after = try await setup.apply()

        #expect(before.chart.digest == (try await Self.sha256sum(first)))
        #expect(after.state == .succeeded, "\(after.error ?? "")")
        #expect(after.chart.digest == (try await Self.sha256sum(again)))
        #expect(after.chart.digest != before.chart.digest)
    }

    @Test("a signed repository chart is verified with the .prov served beside it; an unsigned one is refused where required")
    func repositoryProvenance() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let keys = try await SigningKeys.make(scratch: scratch)
        let signed = try await LocalRegistry.package("fluent-bit-0.58.1", signedBy: keys, scratch: scratch)
        let unsigned = try await LocalRegistry.package("fluent-bit-0.40.0", scratch: scratch)
        let setup = try await Self.start(
            ["--chart-keyring", keys.publicKeyring, "--require-verified-charts", Self.fluentBitRepository],
            archives: [signed, unsigned]
        )
        defer { setup.close() }

        let verified = try await setup.apply("0.58.1")
        let refused = try await setup.apply("0.40.0")

        #expect(verified.state == .succeeded, "\(verified.error ?? "")")
        #expect(verified.chartVerification?.verified == true)
        #expect(verified.chartVerification?.fingerprint == keys.fingerprint)
        #expect(refused.state == .failed)
        #expect(refused.error?.contains("carries no provenance (.prov), and charts from \(Self.fluentBitRepository) must be signed") == true)
    }

    @Test("an archive in the chart directory reports its sha256 and can be pinned; an unpacked chart cannot be pinned")
    func chartDirectoryDigests() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let directory = "\(harness.scratch)/charts"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.publish(try await LocalRegistry.package("fluent-bit-0.58.1", scratch: harness.scratch), in: directory)
        try FileManager.default.copyItem(atPath: "\(Testbed.charts)/fluent-bit-0.40.0", toPath: "\(directory)/fluent-bit-0.40.0")
        let digest = try await Self.sha256sum("\(directory)/fluent-bit-0.58.1.tgz")
        let server = try await harness.startProvisioner(chartDirectory: directory)
        defer { server.stop() }
        let setup = Setup(harness: harness, repository: directory, server: server)

        let archive = try await setup.apply("0.58.1", digest: digest)
        let unpacked = try await setup.apply("0.40.0", digest: digest)

        #expect(archive.state == .succeeded && archive.chart.digest == digest, "\(archive.error ?? "")")
        #expect(unpacked.state == .failed)
        #expect(unpacked.error?.contains("is unpacked") == true && unpacked.error?.contains(digest) == true, "\(unpacked.error ?? "")")
    }
}
