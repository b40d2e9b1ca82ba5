import ArgumentParser
import Foundation
import ServerSupport

/// Where charts from OCI registries come from and where they are kept.
struct ChartSourceOptions: ParsableArguments {
    @Option(
        name: .customLong("plain-http-registry"),
        help: ArgumentHelp(
            "An OCI registry (HOST or HOST:PORT) spoken to over plain HTTP; repeatable. Default: none, every registry is HTTPS. (PROVISIONER_PLAIN_HTTP_REGISTRIES, comma-separated)",
            discussion: "For a mirror on loopback or inside the cluster network only: charts from it travel unauthenticated and unencrypted."
        )
    )
    var plainHTTPRegistries: [String] = CommaSeparated.entries(environment("PROVISIONER_PLAIN_HTTP_REGISTRIES"))

    @Option(help: "The registry logins helm reads (a `helm registry login` config.json), if not helm's own. (PROVISIONER_REGISTRY_CONFIG)")
    var registryConfig: String?

    @Option(
        name: .customLong("ecr-registry"),
        help: ArgumentHelp(
            "An Amazon ECR registry (HOST, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com) logged in to with this provisioner's AWS credentials (ecr:GetAuthorizationToken), renewed before expiry; repeatable. (PROVISIONER_ECR_REGISTRIES, comma-separated)",
            valueName: "host"
        )
    )
    var ecrRegistries: [String] = CommaSeparated.entries(environment("PROVISIONER_ECR_REGISTRIES"))

    @Option(help: "Where pulled chart archives are kept, by digest; survives restarts. Default: TMPDIR/charts. (PROVISIONER_CHART_CACHE)")
    var chartCache: String?

    @Option(help: "How much the chart cache may hold, in MiB; the least recently used archives go first. (PROVISIONER_CHART_CACHE_MIB)")
    var chartCacheMib = environment("PROVISIONER_CHART_CACHE_MIB").flatMap { Int($0) } ?? 2048

    @Option(
        help: ArgumentHelp(
            "How long the digest a registry or repository gave for a chart version is trusted before it is asked again, e.g. 1m; 0 asks every time. (PROVISIONER_CHART_TAG_LIFETIME)",
            discussion: "A version published again with other content is seen within this time; a pinned Chart.Digest is checked on every deployment."
        )
    )
    var chartTagLifetime = environment("PROVISIONER_CHART_TAG_LIFETIME") ?? "1m"

    @Option(
        help: ArgumentHelp(
            "A public keyring (gpg --export) charts are verified with; every chart that carries provenance (.prov) is checked and refused if it fails. (PROVISIONER_CHART_KEYRING)",
            discussion: "Each deployment records what verification said: signer, key fingerprint and hash, or why the chart is unverified."
        )
    )
    var chartKeyring: String?

    @Option(
        name: .customLong("require-verified-charts"),
        help: ArgumentHelp(
            "A repository pattern (as --allowed-repository) whose charts must be signed: one without provenance is refused too; repeatable. Needs --chart-keyring. (PROVISIONER_REQUIRE_VERIFIED_CHARTS, comma-separated)",
            valueName: "pattern"
        )
    )
    var requireVerifiedCharts: [String] = CommaSeparated.entries(environment("PROVISIONER_REQUIRE_VERIFIED_CHARTS"))

    func registries(workDirectory: String) throws -> ChartRegistries {
        guard chartCacheMib >= 1 else { throw ValidationError("--chart-cache-mib must be at least 1") }
        let registryConfig = self.registryConfig ?? environment("PROVISIONER_REGISTRY_CONFIG")
        if let registryConfig, !FileManager.default.isReadableFile(atPath: registryConfig) {
            throw ValidationError("--registry-config: \(registryConfig) cannot be read")
        }
        for entry in plainHTTPRegistries where entry.isEmpty || entry.contains("/") || entry.contains("://") {
            throw ValidationError("--plain-http-registry: \"\(entry)\" is not HOST or HOST:PORT")
        }
        for entry in ecrRegistries where entry.isEmpty || entry.contains("/") || entry.contains("://") {
            throw ValidationError("--ecr-registry: \"\(entry)\" is not HOST or HOST:PORT")
        }
        let lifetime: Duration
        do {
            lifetime = chartTagLifetime == "0" ? .zero : try GoDuration.parse(chartTagLifetime)
        } catch {
            throw ValidationError("--chart-tag-lifetime: \(error)")
        }
        let keyring = chartKeyring ?? environment("PROVISIONER_CHART_KEYRING")
        if let keyring, !FileManager.default.isReadableFile(atPath: keyring) {
            throw ValidationError("--chart-keyring: \(keyring) cannot be read")
        }
        if keyring == nil, !requireVerifiedCharts.isEmpty {
            throw ValidationError("--require-verified-charts needs --chart-keyring: the keys charts are verified with")
        }
        let verified: [RepositoryPattern]
        do {
            verified = try requireVerifiedCharts.map { pattern throws(RepositoryPattern.Invalid) in try RepositoryPattern(pattern) }
        } catch {
            throw ValidationError("--require-verified-charts: \(error)")
        }
        return ChartRegistries(
            plainHTTP: Set(plainHTTPRegistries.map { $0.lowercased() }),
            registryConfig: registryConfig,
            ecrRegistries: Set(ecrRegistries.map { $0.lowercased() }),
            cacheDirectory: chartCache ?? environment("PROVISIONER_CHART_CACHE") ?? "\(workDirectory)/charts",
            cacheCapacity: chartCacheMib << 20,
            tagLifetime: lifetime,
            keyring: keyring,
            verifiedRepositories: verified
        )
    }
}
