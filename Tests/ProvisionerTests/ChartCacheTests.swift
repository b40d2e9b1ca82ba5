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

    @Test("a chart cached before provenance was wanted is pulled once more for its .prov, then served from the cache")
    func provenanceJoinsCachedChart() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let registry = try await LocalRegistry.start(scratch: scratch)
        defer {
            registry.stop()
            try? FileManager.default.removeItem(atPath: scratch)
        }
        let keys = try await SigningKeys.make(scratch: scratch)
        let digest = try await registry.push("fluent-bit-0.58.1", signedBy: keys, scratch: scratch)
        let unsigned = try await registry.push("fluent-bit-0.40.0", scratch: scratch)
        let helm = HelmClient(configuration: Testbed.helmConfiguration(scratch: scratch), logger: Testbed.logger)
        let reference = "\(registry.repository())/fluent-bit"
        func cache(provenance: Bool) -> ChartCache {
            ChartCache(directory: "\(scratch)/cache", capacity: 1 << 30, tagLifetime: .seconds(60), helm: helm, provenance: provenance)
        }
        func pull(_ cache: ChartCache, _ version: String, _ pinned: String) async throws -> ChartCache.Pulled {
            try await cache.chart(reference, version: version, pinned: pinned, plainHTTP: true, deadline: .now + .seconds(60))
        }
        let before = try await pull(cache(provenance: false), "0.58.1", digest)
        _ = try await pull(cache(provenance: false), "0.40.0", unsigned)

        let wanting = cache(provenance: true)
        let signed = try await pull(wanting, "0.58.1", digest)
        _ = try await pull(wanting, "0.40.0", unsigned)
        let blobs = registry.blobRequests()
        let again = try await pull(cache(provenance: true), "0.58.1", digest)
        let unsignedAgain = try await pull(cache(provenance: true), "0.40.0", unsigned)

        #expect(before.provenance == nil)
        #expect(signed.path == before.path && signed.provenance == "\(before.path).prov")
        #expect(again.provenance == signed.provenance && unsignedAgain.provenance == nil)
        #expect(registry.blobRequests() == blobs, "once known, with or without a .prov, a pinned chart is served from the cache")
    }
}
