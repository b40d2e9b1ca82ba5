import Foundation

extension KubeClient {
    /// The latest revision of `release` from Helm's storage Secrets, or nil when it has none (never
    /// installed, or uninstalled without --keep-history). The revision with the highest `version`
    /// label is the latest, as Helm's own storage reads it.
    public func helmRelease(_ release: ReleaseRef) async throws -> StoredRelease? {
        guard Self.isPathSegment(release.namespace), Self.isPathSegment(release.name) else {
            throw Failure(message: "\(release) is not a release name")
        }
        let selector = "owner%3Dhelm%2Cname%3D\(release.name)"
        guard let data = try await get("/api/v1/namespaces/\(release.namespace)/secrets?labelSelector=\(selector)") else { return nil }
        struct SecretList: Decodable {
            struct Secret: Decodable {
                struct Metadata: Decodable { var labels: [String: String]? }
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
        guard let value = latest?.data?["release"] else { return nil }
        do {
            return try StoredRelease.decode(secretValue: value)
        } catch {
            throw Failure(message: "release \(release)'s stored revision cannot be read: \(error)")
        }
    }
}
