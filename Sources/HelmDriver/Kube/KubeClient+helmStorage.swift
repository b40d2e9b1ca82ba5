import Foundation

extension KubeClient {
    /// The latest revision of `release` from Helm's storage Secrets, or nil when it has none (never
    /// installed, or uninstalled without --keep-history).
    public func helmRelease(_ release: ReleaseRef) async throws -> StoredRelease? {
        guard let revision = try await latestHelmRevision(release) else { return nil }
        return try await helmReleaseSecret(revision)?.decode()
    }

    /// Which Secret holds the latest revision of `release`, from the Secrets' metadata alone: its
    /// identity tells whether it is the one a check saw before, without reading the release it
    /// holds (a revision's Secret is tens of kilobytes, and Helm keeps ten of them). The revision
    /// with the highest `version` label is the latest, as Helm's own storage reads it.
    public func latestHelmRevision(_ release: ReleaseRef) async throws -> HelmReleaseRevision? {
        try await latestHelmRevisions([release])[0]
    }

    /// `latestHelmRevision` of each release, read one after another over one connection.
    public func latestHelmRevisions(_ releases: [ReleaseRef]) async throws -> [HelmReleaseRevision?] {
        for release in releases where !Self.isPathSegment(release.namespace) || !Self.isPathSegment(release.name) {
            throw Failure(message: "\(release) is not a release name")
        }
        let bodies = try await get(
            releases.map { "/api/v1/namespaces/\($0.namespace)/secrets?labelSelector=owner%3Dhelm%2Cname%3D\($0.name)" },
            view: .metadataList
        )
        return try zip(releases, bodies).map { release, body throws(Failure) -> HelmReleaseRevision? in
            guard let body else { return nil }
            guard let items = ObjectMetadata.items(scanning: body, labels: true) else {
                throw Failure(message: "the cluster's answer for \(release)'s Secrets is not a list")
            }
            let latest = items.max { Int($0.labels["version"] ?? "") ?? 0 < Int($1.labels["version"] ?? "") ?? 0 }
            guard let latest, let name = latest.name, Self.isPathSegment(name) else { return nil }
            return HelmReleaseRevision(
                release: release,
                secretName: name,
                version: LiveVersion(uid: latest.uid, resourceVersion: latest.resourceVersion)
            )
        }
    }

    /// The Secret `revision` names, whole; nil when it is gone or holds no Helm release.
    public func helmReleaseSecret(_ revision: HelmReleaseRevision) async throws -> HelmReleaseSecret? {
        let path = "/api/v1/namespaces/\(revision.release.namespace)/secrets/\(revision.secretName)"
        guard let data = try await get(path) else { return nil }
        struct Secret: Decodable {
            struct Metadata: Decodable {
                var uid: String?
                var resourceVersion: String?
            }
            var metadata: Metadata
            var type: String?
            var data: [String: String]?
        }
        let secret: Secret
        do {
            secret = try JSONDecoder().decode(Secret.self, from: data)
        } catch {
            throw Failure(message: "the cluster's answer for the release's Secret is not a Secret: \(error)")
        }
        guard secret.type == "helm.sh/release.v1", let value = secret.data?["release"] else { return nil }
        var read = revision
        // The Secret as read now: it may have been rewritten since it was listed.
        read.version = LiveVersion(uid: secret.metadata.uid, resourceVersion: secret.metadata.resourceVersion)
        return HelmReleaseSecret(revision: read, value: value)
    }
}

/// Which Secret holds a release's revision, and the version of it that was seen.
public struct HelmReleaseRevision: Sendable, Hashable {
    public var release: ReleaseRef
    public var secretName: String
    /// The Secret's identity and version: the same means the same stored revision.
    public var version: LiveVersion?

    public init(release: ReleaseRef, secretName: String, version: LiveVersion?) {
        self.release = release
        self.secretName = secretName
        self.version = version
    }
}

/// A release revision as Helm's storage Secret holds it, not yet decoded.
public struct HelmReleaseSecret: Sendable {
    public var revision: HelmReleaseRevision
    var value: String

    public func decode() throws -> StoredRelease {
        do {
            return try StoredRelease.decode(secretValue: value)
        } catch {
            throw KubeClient.Failure(message: "release \(revision.release)'s stored revision cannot be read: \(error)")
        }
    }
}
