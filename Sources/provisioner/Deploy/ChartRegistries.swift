import FleetAPI
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

/// What a deployment learned of a chart it pulled: its digest, and what its provenance said.
struct PulledChart: Sendable, Equatable {
    var digest: String
    var verification: ChartVerification?
}

extension HelmDeployer {
    /// `chart` at `version` from its OCI registry, through the cache: the archive, its digest and
    /// its verification, refused before helm runs when `pinned` names another digest or the
    /// provenance does not verify (or is missing where it must be there).
    func pull(
        _ chart: ChartSpec,
        version: String,
        pinned: String?,
        deadline: ContinuousClock.Instant
    ) async throws(DeploymentFailure) -> (path: String, PulledChart) {
        // Trailing slashes dropped as `--allowed-repository` matching drops them.
        let reference = "\(RepositoryPattern.normalize(chart.repositoryURL))/\(chart.name)"
        let config: String?
        do {
            config = try await logins.configFile(for: ChartRegistries.registry(of: chart.repositoryURL))
        } catch {
            throw DeploymentFailure(.failed, step: "registry login", message: error.description)
        }
        let pulled: ChartCache.Pulled
        do {
            pulled = try await charts.chart(
                reference,
                version: version,
                pinned: pinned,
                plainHTTP: registries.usesPlainHTTP(chart.repositoryURL),
                registryConfig: config,
                deadline: deadline
            )
        } catch {
            switch error.kind {
            case .digestMismatch: throw DeploymentFailure(.failed, step: "chart digest", message: error.description)
            case .pull(.chartNotFound): throw DeploymentFailure(.chartNotFound, step: "helm pull", message: error.description)
            case .pull where Self.refusedCredentials(error.description):
                throw DeploymentFailure(
                    .failed,
                    step: "helm pull",
                    message: "\(error.description) (the registry wants a login this provisioner does not have: see --registry-config)"
                )
            case .pull: throw DeploymentFailure(.failed, step: "helm pull", message: error.description)
            }
        }
        let verification = try await checkProvenance(pulled, from: chart.repositoryURL, named: "\(reference):\(version)", deadline: deadline)
        return (pulled.path, PulledChart(digest: pulled.digest, verification: verification))
    }

    /// The archive checked against its provenance with the keyring (`helm verify`, Helm's own
    /// message when it fails); nil without a keyring.
    private func checkProvenance(
        _ pulled: ChartCache.Pulled,
        from repository: String,
        named chart: String,
        deadline: ContinuousClock.Instant
    ) async throws(DeploymentFailure) -> ChartVerification? {
        guard let keyring = registries.keyring else { return nil }
        guard pulled.provenance != nil else {
            if let pattern = registries.verifiedRepositories.first(where: { $0.matches(repository) }) {
                throw DeploymentFailure(
                    .failed,
                    step: "chart verification",
                    message: "\(chart) carries no provenance (.prov), and charts from \(pattern) must be signed; nothing was installed"
                )
            }
            return ChartVerification(verified: false, reason: "the chart carries no provenance (.prov)")
        }
        let printed: String
        do {
            printed = try await releases.helm.output(HelmArguments.verify(pulled.path, keyring: keyring), deadline: deadline)
        } catch {
            throw DeploymentFailure(.failed, step: "chart verification", message: "\(chart): \(error.message); nothing was installed")
        }
        return Self.verification(printed)
    }

    /// A registry's refusal of missing or wrong credentials, as helm's registry client words it.
    static func refusedCredentials(_ message: String) -> Bool {
        message.contains("credential not found") || message.contains("401") || message.contains("unauthorized")
    }

    /// pkg/action/verify.go's report: "Signed by:" lines, "Using Key With Fingerprint:", "Chart Hash Verified:".
    static func verification(_ printed: String) -> ChartVerification {
        var verification = ChartVerification(verified: true, signedBy: [])
        for line in printed.split(separator: "\n") {
            if let signer = line.wholeMatch(of: /Signed by: (.+)/)?.output.1 { verification.signedBy?.append(String(signer)) }
            if let key = line.wholeMatch(of: /Using Key With Fingerprint: ([0-9A-F]+)/)?.output.1 { verification.fingerprint = String(key) }
            if let hash = line.wholeMatch(of: /Chart Hash Verified: (sha256:[0-9a-f]+)/)?.output.1 { verification.hash = String(hash) }
        }
        return verification
    }
}
