import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

/// The chart cache against a real registry (`testbed/oci-registry`) and the testbed's real Helm.
@Suite("Chart cache", .serialized, .tags(.integration), .skippedInFastRuns)
struct ChartCacheTests {
    @Test("archives are kept by digest and bounded: past the capacity the least recently used goes, never the one in use")
    func boundedByCapacity() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let registry = try await LocalRegistry.start(scratch: scratch)
        defer {
            registry.stop()
            try? FileManager.default.removeItem(atPath: scratch)
        }
        let newer = try await registry.push("fluent-bit-0.58.1", scratch: scratch)
        let older = try await registry.push("fluent-bit-0.40.0", scratch: scratch)
        let helm = HelmClient(configuration: Testbed.helmConfiguration(scratch: scratch), logger: Testbed.logger)
        // Room for one archive: each is a few kilobytes.
        let cache = ChartCache(directory: "\(scratch)/cache", capacity: 1, tagLifetime: .seconds(60), helm: helm)
        let reference = "\(registry.repository())/fluent-bit"

        let first = try await cache.chart(reference, version: "0.58.1", pinned: nil, plainHTTP: true, deadline: .now + .seconds(60))
        let second = try await cache.chart(reference, version: "0.40.0", pinned: older, plainHTTP: true, deadline: .now + .seconds(60))

        #expect(first.digest == newer && second.digest == older)
        #expect(first.path.hasSuffix("/sha256/\(newer.dropFirst(7))/fluent-bit-0.58.1.tgz"))
        #expect(second.path.hasSuffix("/sha256/\(older.dropFirst(7))/fluent-bit-0.40.0.tgz"))
        #expect(!FileManager.default.fileExists(atPath: first.path), "the least recently used archive went")
        #expect(FileManager.default.fileExists(atPath: second.path), "the one in use stayed")
    }

    @Test("a pinned digest the registry does not have for the version is refused, naming both")
    func pinnedMismatch() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let registry = try await LocalRegistry.start(scratch: scratch)
        defer {
            registry.stop()
            try? FileManager.default.removeItem(atPath: scratch)
        }
        let digest = try await registry.push("fluent-bit-0.58.1", scratch: scratch)
        let helm = HelmClient(configuration: Testbed.helmConfiguration(scratch: scratch), logger: Testbed.logger)
        let cache = ChartCache(directory: "\(scratch)/cache", capacity: 1 << 30, tagLifetime: .seconds(60), helm: helm)
        let pinned = "sha256:" + String(repeating: "1", count: 64)

        do {
            _ = try await cache.chart(
                "\(registry.repository())/fluent-bit",
                version: "0.58.1",
                pinned: pinned,
                plainHTTP: true,
                deadline: .now + .seconds(60)
            )
            Issue.record("a digest the registry does not have for the version was accepted")
        } catch {
            #expect(error.kind == .digestMismatch)
            #expect(error.description.contains(digest) && error.description.contains(pinned))
        }
    }
}
