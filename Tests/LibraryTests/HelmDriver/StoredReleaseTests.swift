import Foundation
import TestSupport
import Testing

@testable import FleetAPI
@testable import HelmDriver

/// Reading a release the way Helm's storage keeps it in its Secret, without helm.
@Suite("Helm's stored releases")
struct StoredReleaseTests {
    /// A Secret's `release` value as the API answers it: base64 of Helm's base64 of the gzipped
    /// release JSON {name: web, namespace: apps, version: 3, deployed, chart web-1.2.0, manifest}.
    static let stored =
        "SDRzSUFPNWhER3NDLzEyTnV3N0NNQXhGZnlYeVRDb2VXMWRtL3FDTGFSeXdJRTVVcHlCVTVkOUpzaUN4K1J6ZmEyOGdHQWhHQTIrNndzNTAxSVJ6ZDVpU052bWlSVGxLVmFkS0xEN1djUVBObUZkdFFVZnBHVC9rb05UOWZNY2w5MENnakE0emR2aDc5THNKaCtFNDdLRzBia0JoVDlycVlLMmQ1TUhpUm5PTzR2bDJ3VFFKbEM5L0RiMmV0QUFBQUE9PQ=="

    @Test("a gzipped release decodes to its revision, status, chart and manifest")
    func decodesGzipped() throws {
        let release = try StoredRelease.decode(secretValue: Self.stored)
        #expect(release.info == ReleaseInfo(name: "web", namespace: "apps", revision: 3, status: .deployed, chart: "web-1.2.0"))
        #expect(release.manifest == "---\nkind: ConfigMap\n")
    }

    @Test("a release stored as plain JSON, as before gzip, is read as it is")
    func decodesPlain() throws {
        let json = #"{"name":"web","namespace":"apps","version":1,"info":{"status":"failed"}}"#
        let value = Data(Data(json.utf8).base64EncodedString().utf8).base64EncodedString()
        #expect(try StoredRelease.decode(secretValue: value).info.status == .failed)
    }

    @Test("which installation a revision belongs to is read from info.first_deployed, as Helm writes it")
    func decodesFirstDeployed() throws {
        // pkg/release/v1/info.go: `first_deployed`, set by install and kept by upgrade and rollback.
        let json = #"{"name":"web","namespace":"apps","version":4,"info":{"first_deployed":"2026-12-06T05:01:46.714512345Z","status":"deployed"}}"#
        let value = Data(Data(json.utf8).base64EncodedString().utf8).base64EncodedString()
        #expect(try StoredRelease.decode(secretValue: value).info.firstDeployed == "2026-12-06T05:01:46.714512345Z")
    }

    @Test("what is not a stored release is an error, and a small gzip that inflates too far is refused")
    func refuses() async throws {
        #expect(throws: (any Error).self) { try StoredRelease.decode(secretValue: "not base64!") }
        #expect(throws: (any Error).self) { try StoredRelease.decode(secretValue: Data("bm90IGd6aXA=".utf8).base64EncodedString()) }
        let bomb = try await CommandRun.run("/bin/sh", ["-c", "head -c 1048576 /dev/zero | gzip -c | base64 -w0"])
        let compressed = try #require(Data(base64Encoded: bomb.stdout))
        #expect(compressed.count < 2048)
        #expect(throws: Gunzip.Failure.self) { try Gunzip.decompress(compressed, limit: 64 << 10) }
        #expect(try Gunzip.decompress(compressed).count == 1 << 20)
    }
}
