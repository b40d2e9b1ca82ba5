import Foundation

extension KubeClient {
    /// The latest revision of `release` from Helm's storage Secrets, or nil when it has none (never
    /// installed, or uninstalled without --keep-history). The revision with the highest `version`
    /// label is the latest, as Helm's own storage reads it.
    public func helmRelease(_ release: ReleaseRef) async throws -> StoredRelease? {
        guard let secret = try await latestHelmReleaseSecret(release) else { return nil }
        return try secret.decode()
    }

    /// The Secret holding the latest revision of `release`, undecoded: its identity tells whether
    /// it is the one a check saw before, without decoding the release it holds.
    public func latestHelmReleaseSecret(_ release: ReleaseRef) async throws -> HelmReleaseSecret? {
        guard Self.isPathSegment(release.namespace), Self.isPathSegment(release.name) else {
            throw Failure(message: "\(release) is not a release name")
        }
        let selector = "owner%3Dhelm%2Cname%3D\(release.name)"
        guard let data = try await get("/api/v1/namespaces/\(release.namespace)/secrets?labelSelector=\(selector)") else { return nil }
        struct SecretList: Decodable {
            struct Secret: Decodable {
                struct Metadata: Decodable {
                    var labels: [String: String]?
                    var uid: String?
                    var resourceVersion: String?
                }
                var metadata: Metadata
                var type: String?
                var data: [String: String]?
            }
            var items: [Secret]
        }
        let list: SecretList
        do {
            list = try JSONDecoder().decode(SecretList.self, from: data)
        } catch {
            throw Failure(message: "the cluster's answer for the release's Secrets is not a list: \(error)")
        }
        let latest = list.items
            .filter { $0.type == "helm.sh/release.v1" }
            .max { Int($0.metadata.labels?["version"] ?? "") ?? 0 < Int($1.metadata.labels?["version"] ?? "") ?? 0 }
        guard let latest, let value = latest.data?["release"] else { return nil }
        return HelmReleaseSecret(
            release: release,
            version: LiveVersion(uid: latest.metadata.uid, resourceVersion: latest.metadata.resourceVersion),
            value: value
        )
    }
}

/// A release revision as Helm's storage Secret holds it, not yet decoded.
public struct HelmReleaseSecret: Sendable {
    public var release: ReleaseRef
    /// The Secret's identity and version: the same means the same stored revision.
    public var version: LiveVersion?
    var value: String

    public func decode() throws -> StoredRelease {
        do {
            return try StoredRelease.decode(secretValue: value)
        } catch {
            throw KubeClient.Failure(message: "release \(release)'s stored revision cannot be read: \(error)")
        }
    }
}

/// An object's identity and version on its API server: the same pair means the same object,
/// unchanged (the API server gives every write a new resourceVersion, and a recreated object a new
/// uid).
public struct LiveVersion: Sendable, Hashable {
    public var uid: String
    public var resourceVersion: String

    public init?(uid: String?, resourceVersion: String?) {
        guard let uid, let resourceVersion, !uid.isEmpty, !resourceVersion.isEmpty else { return nil }
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
}
