public import FleetAPI
import Foundation

/// A release as Helm's storage keeps it in the cluster: the Secret `sh.helm.release.v1.NAME.vN`
/// of type `helm.sh/release.v1` per revision, labelled `owner=helm`, `name`, `version`, `status`
/// (pkg/storage/driver/secrets.go), whose `release` value is the release JSON gzipped and base64
/// encoded (pkg/storage/driver/util.go, encodeRelease). Reading it needs no helm process.
public struct StoredRelease: Sendable, Equatable {
    public var info: ReleaseInfo
    public var manifest: String
    /// Applied with server-side apply (Helm 4's default): other managers' changes to its fields
    /// conflict with the next apply unless it forces them.
    public var serverSideApplied: Bool = false

    /// From a Secret's `release` value as the API answers it (base64 of Helm's base64 text).
    static func decode(secretValue: String) throws -> StoredRelease {
        guard let helmText = Data(base64Encoded: secretValue), let compressed = Data(base64Encoded: helmText) else {
            throw Gunzip.Failure(description: "a Helm release Secret holds no base64 release")
        }
        // Helm wrote gzip since v3.0; older, plain JSON is read as it is (decodeRelease does the same).
        let json = compressed.starts(with: [0x1f, 0x8b]) ? try Gunzip.decompress(compressed) : compressed
        let document = try JSONDecoder().decode(ReleaseDocument.self, from: json)
        return StoredRelease(info: document.releaseInfo, manifest: document.manifest ?? "", serverSideApplied: document.applyMethod == "ssa")
    }
}
