import Foundation
import HTTPClient

/// The digest an OCI registry gives a chart's tag now, read from the tag's manifest (`GET
/// /v2/NAME/manifests/TAG`, the OCI distribution API, a kilobyte) without fetching the chart: how
/// the cache re-checks a version it already holds, so a fleet on one version fetches the archive
/// once, not once per tag lifetime. It speaks only to registries that want no login or take the one
/// helm has as basic auth (htpasswd registries, Amazon ECR); for any other answer (a bearer-token
/// exchange, an error) it says nil, and the cache pulls as helm does.
struct RegistryManifests: Sendable {
    private let http = CurlHTTPClient(connectTimeout: .seconds(5))

    /// - Parameters:
    ///   - reference: `oci://HOST[:PORT]/PATH/NAME`.
    ///   - registryConfig: helm's logins file (`auths.HOST.auth`: base64 of `user:password`).
    func digest(
        of reference: String,
        tag: String,
        plainHTTP: Bool,
        registryConfig: String?,
        deadline: ContinuousClock.Instant
    ) async -> String? {
        let location = reference.dropFirst("oci://".count)
        guard let slash = location.firstIndex(of: "/") else { return nil }
        let host = String(location[..<slash])
        let repository = location[location.index(after: slash)...]
        var headers = [(name: "Accept", value: "application/vnd.oci.image.manifest.v1+json")]
        if let login = Self.login(for: host, in: registryConfig) { headers.append((name: "Authorization", value: "Basic \(login)")) }
        let left = deadline - .now
        guard left > .zero else { return nil }
        let request = HTTPClientRequest(
            method: "GET",
            url: "\(plainHTTP ? "http" : "https")://\(host)/v2/\(repository)/manifests/\(tag)",
            headers: headers,
            timeout: min(left, .seconds(30)),
            maxResponseBytes: 1 << 20
        )
        guard let response = try? await http.send(request), response.status == 200 else { return nil }
        let digest = response.headers["docker-content-digest"] ?? ChartCache.sha256(of: response.body)
        return digest.wholeMatch(of: /sha256:[0-9a-f]{64}/) != nil ? digest : nil
    }

    /// The stored login for `host` in helm's registry config, as it is sent (base64 `user:password`).
    private static func login(for host: String, in registryConfig: String?) -> String? {
        guard let registryConfig, let data = FileManager.default.contents(atPath: registryConfig),
            let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let auths = document["auths"] as? [String: Any], let entry = auths[host] as? [String: Any]
        else { return nil }
        return entry["auth"] as? String
    }
}
