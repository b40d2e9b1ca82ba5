import Foundation
import HelmDriver

/// How charts from OCI registries (`Chart.Repository: oci://HOST/PATH`) are fetched: the registries
/// spoken to over plain HTTP (a mirror on loopback or inside the cluster network; every other is
/// HTTPS), the registry logins helm reads, and the cache the archives land in (`ChartCache`).
struct ChartRegistries: Sendable {
    /// `HOST` or `HOST:PORT` entries, as the repository URL names the registry.
    var plainHTTP: Set<String> = []
    /// helm's `--registry-config`: the logins (`helm registry login`), if not helm's own file.
    var registryConfig: String?
    var cacheDirectory: String
    var cacheCapacity: Int = 2 << 30
    /// How long the digest a registry gave for a version is trusted before it is asked again.
    var tagLifetime: Duration = .seconds(60)

    static func isRegistry(_ repositoryURL: String) -> Bool {
        repositoryURL.lowercased().hasPrefix("oci://")
    }

    /// Whether the registry of `repositoryURL` is spoken to over plain HTTP.
    func usesPlainHTTP(_ repositoryURL: String) -> Bool {
        let authority = repositoryURL.dropFirst("oci://".count).prefix { $0 != "/" }.lowercased()
        return plainHTTP.contains(authority)
    }
}

extension HelmDeployer {
    /// `chart` at `version` from its OCI registry, through the cache: the archive and its digest,
    /// refused before helm runs when `pinned` names another digest.
    func pull(
        _ chart: ChartSpec,
        version: String,
        pinned: String?,
        deadline: ContinuousClock.Instant
    ) async throws(DeploymentFailure) -> ChartCache.Pulled {
        let reference = "\(chart.repositoryURL.trimmingSuffix("/"))/\(chart.name)"
        do {
            return try await charts.chart(
                reference,
                version: version,
                pinned: pinned,
                plainHTTP: registries.usesPlainHTTP(chart.repositoryURL),
                deadline: deadline
            )
        } catch {
            switch error.kind {
            case .digestMismatch: throw DeploymentFailure(.failed, step: "chart digest", message: error.description)
            case .pull(.chartNotFound): throw DeploymentFailure(.chartNotFound, step: "helm pull", message: error.description)
            case .pull: throw DeploymentFailure(.failed, step: "helm pull", message: error.description)
            }
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        var text = self[...]
        while text.hasSuffix(suffix) { text = text.dropLast(suffix.count) }
        return String(text)
    }
}
