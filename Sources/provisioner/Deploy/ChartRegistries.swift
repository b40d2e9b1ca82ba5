import FleetAPI
import Foundation
import HelmDriver

/// How charts are fetched and checked: the OCI registries (`Chart.Repository: oci://HOST/PATH`)
/// spoken to over plain HTTP (a mirror on loopback or inside the cluster network; every other is
/// HTTPS), the registry logins helm reads, the cache the archives of registries and repositories
/// land in (`ChartCache`), and the keys their provenance is verified with.
struct ChartRegistries: Sendable {
    /// `HOST` or `HOST:PORT` entries, as the repository URL names the registry.
    var plainHTTP: Set<String> = []
    /// helm's `--registry-config`: the logins (`helm registry login`), if not helm's own file.
    var registryConfig: String?
    /// Registries (`HOST[:PORT]`) logged in to with Amazon ECR logins (`RegistryLogins`).
    var ecrRegistries: Set<String> = []
    var cacheDirectory: String
    var cacheCapacity: Int = 2 << 30
    /// How long the digest a registry gave for a version is trusted before it is asked again.
    var tagLifetime: Duration = .seconds(60)
    /// The public keys charts are verified with (`helm verify --keyring`): every chart that carries
    /// provenance is checked, and one that fails is refused. Nil: none is checked.
    var keyring: String?
    /// Repositories whose charts must verify: one without provenance is refused too.
    var verifiedRepositories: [RepositoryPattern] = []

    static func isRegistry(_ repositoryURL: String) -> Bool {
        repositoryURL.lowercased().hasPrefix("oci://")
    }

    /// Whether the registry of `repositoryURL` is spoken to over plain HTTP.
    func usesPlainHTTP(_ repositoryURL: String) -> Bool {
        plainHTTP.contains(Self.registry(of: repositoryURL))
    }

    /// `HOST[:PORT]` of an `oci://` URL, lower-cased.
    static func registry(of repositoryURL: String) -> String {
        repositoryURL.dropFirst("oci://".count).prefix { $0 != "/" }.lowercased()
    }
}

/// What a deployment learned of the chart it installs: its digest (none for an unpacked chart in
/// the chart directory), and what its provenance said.
struct PulledChart: Sendable, Equatable {
    var digest: String?
    var verification: ChartVerification?
}
