import FleetAPI
import Foundation
import HelmDriver

extension HelmDeployer {
    /// `chart` at `version` from its OCI registry or Helm repository, through the cache: the archive,
    /// its digest and its verification, refused before helm runs when `pinned` names another digest
    /// or the provenance does not verify (or is missing where it must be there).
    func pull(
        _ chart: ChartSpec,
        version: String,
        pinned: String?,
        deadline: ContinuousClock.Instant
    ) async throws(DeploymentFailure) -> (path: String, PulledChart) {
        let fromRegistry = ChartRegistries.isRegistry(chart.repositoryURL)
        // Trailing slashes dropped as `--allowed-repository` matching drops them.
        let reference =
            fromRegistry ? "\(RepositoryPattern.normalize(chart.repositoryURL))/\(chart.name)" : "\(chart.repositoryName)/\(chart.name)"
        let registry = fromRegistry ? try await registryAccess(chart.repositoryURL) : (plainHTTP: false, config: nil)
        let pull = { () async throws(ChartCache.Failure) -> ChartCache.Pulled in
            try await charts.chart(
                reference,
                version: version,
                pinned: pinned,
                plainHTTP: registry.plainHTTP,
                registryConfig: registry.config,
                deadline: deadline
            )
        }
        var pulled: ChartCache.Pulled
        do {
            pulled = try await pull()
        } catch  where error.kind == .pull(.chartNotFound) && !fromRegistry {
            // The version may have been published after helm last read the repository's index.
            guard await repositories.refresh(name: chart.repositoryName) else { throw Self.failure(error, fromRegistry: false) }
            do {
                pulled = try await pull()
            } catch {
                throw Self.failure(error, fromRegistry: false)
            }
        } catch {
            throw Self.failure(error, fromRegistry: fromRegistry)
        }
        let named = fromRegistry ? "\(reference):\(version)" : "\(chart.name) \(version) from \(chart.repositoryURL)"
        let verification = try await checkProvenance(
            pulled.path,
            provenance: pulled.provenance,
            from: chart.repositoryURL,
            named: named,
            deadline: deadline
        )
        return (pulled.path, PulledChart(digest: pulled.digest, verification: verification))
    }

    /// How helm reaches the registry of `repositoryURL`: over plain HTTP or not, and the logins file.
    private func registryAccess(_ repositoryURL: String) async throws(DeploymentFailure) -> (plainHTTP: Bool, config: String?) {
        do {
            let config = try await logins.configFile(for: ChartRegistries.registry(of: repositoryURL))
            return (registries.usesPlainHTTP(repositoryURL), config)
        } catch {
            throw DeploymentFailure(.failed, step: "registry login", message: error.description)
        }
    }

    private static func failure(_ error: ChartCache.Failure, fromRegistry: Bool) -> DeploymentFailure {
        switch error.kind {
        case .digestMismatch: DeploymentFailure(.failed, step: "chart digest", message: error.description)
        case .pull(.chartNotFound): DeploymentFailure(.chartNotFound, step: "helm pull", message: error.description)
        case .pull where fromRegistry && refusedCredentials(error.description):
            DeploymentFailure(
                .failed,
                step: "helm pull",
                message: "\(error.description) (the registry wants a login this provisioner does not have: see --registry-config)"
            )
        case .pull: DeploymentFailure(.failed, step: "helm pull", message: error.description)
        }
    }

    /// A chart from the chart directory: an archive's digest is its sha256, and it is verified as a
    /// pulled one is when its `.prov` lies beside it; an unpacked chart has neither, so it cannot be
    /// pinned, and where charts must verify it is refused.
    func local(
        _ path: String,
        chart: ChartSpec,
        version: String,
        pinned: String?,
        deadline: ContinuousClock.Instant
    ) async throws(DeploymentFailure) -> PulledChart {
        let named = "\(chart.name) \(version) in the chart directory"
        guard path.hasSuffix(".tgz"), let digest = ChartCache.sha256(ofFile: path) else {
            if let pinned {
                throw DeploymentFailure(
                    .failed,
                    step: "chart digest",
                    message: "\(named) is unpacked (\(path)), so it has no digest to match the pinned \(pinned): "
                        + "keep it as the archive helm package writes; nothing was installed"
                )
            }
            return PulledChart(
                verification: try await checkProvenance(path, provenance: nil, from: chart.repositoryURL, named: named, deadline: deadline)
            )
        }
        if let pinned, pinned != digest {
            throw DeploymentFailure(
                .failed,
                step: "chart digest",
                message: "\(named) is \(digest) (\(path)), not the pinned \(pinned); nothing was installed"
            )
        }
        let provenance = ChartCache.provenance(of: path)
        return PulledChart(
            digest: digest,
            verification: try await checkProvenance(path, provenance: provenance, from: chart.repositoryURL, named: named, deadline: deadline)
        )
    }

    /// The archive checked against its provenance with the keyring (`helm verify`, Helm's own
    /// message when it fails); nil without a keyring.
    private func checkProvenance(
        _ archive: String,
        provenance: String?,
        from repository: String,
        named chart: String,
        deadline: ContinuousClock.Instant
    ) async throws(DeploymentFailure) -> ChartVerification? {
        guard let keyring = registries.keyring else { return nil }
        guard provenance != nil else {
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
            printed = try await releases.helm.output(HelmArguments.verify(archive, keyring: keyring), deadline: deadline)
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
