import ArgumentParser
import FleetAPI
import Foundation
import HelmDriver
import Logging
import ServerSupport

@main
struct ProvisionerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provisioner",
        abstract: "Deploys third-party services (Prometheus, Fluent Bit, NGINX) onto Kubernetes clusters with Helm.",
        discussion: """
            A stateless REST service: POST /api/deployments queues a deployment, GET /api/deployment/{id} \
            reports it, DELETE /api/deployment/{id} terminates it. Run as many copies as you like.
            Every option can also be set through the environment variable named in its help; a flag wins.
            SIGTERM drains: /readyz turns 503, new deployments are refused, running ones get \
            --drain-timeout to finish and are then stopped cleanly.
            """,
        version: BuildInfo.version,
        subcommands: [HelmSuperviseCommand.self]
    )

    @OptionGroup(title: "Serving")
    var serving: ServerOptions<ProvisionerNaming>

    @Option(help: "The helm executable: a path, or a name looked up on PATH. (PROVISIONER_HELM)")
    var helm = environment("PROVISIONER_HELM") ?? "helm"

    @Option(help: "Local chart directory for air-gapped sites, searched for CHART-VERSION.tgz, CHART-VERSION/ or CHART/. (PROVISIONER_CHART_DIR)")
    var chartDir: String?

    @OptionGroup(title: "Charts from OCI registries")
    var chartSources: ChartSourceOptions

    @Option(help: "Deployments running at once. (PROVISIONER_MAX_CONCURRENT)")
    var maxConcurrent = environment("PROVISIONER_MAX_CONCURRENT").flatMap { Int($0) } ?? 4

    @Option(help: "Deadline of a deployment that sets no TimeoutSeconds, e.g. 10m. (PROVISIONER_DEFAULT_TIMEOUT)")
    var defaultTimeout = environment("PROVISIONER_DEFAULT_TIMEOUT") ?? "10m"

    @Option(help: "How long finished deployments stay queryable. (PROVISIONER_RETENTION)")
    var retention = environment("PROVISIONER_RETENTION") ?? "1h"

    @Option(help: "How many finished deployments stay queryable at most. (PROVISIONER_RETENTION_COUNT)")
    var retentionCount = environment("PROVISIONER_RETENTION_COUNT").flatMap { Int($0) } ?? 10_000

    @Option(help: "On SIGTERM, how long running deployments may go on before they are stopped. (PROVISIONER_DRAIN_TIMEOUT)")
    var drainTimeout = environment("PROVISIONER_DRAIN_TIMEOUT") ?? "5m"

    @Option(help: "After a failed apply: rollback, uninstall or none. (PROVISIONER_REMEDIATION)")
    var remediation = environment("PROVISIONER_REMEDIATION") ?? "rollback"

    @Option(help: "Between SIGTERM and SIGKILL when a helm process is stopped. (PROVISIONER_HELM_GRACE_PERIOD)")
    var helmGracePeriod = environment("PROVISIONER_HELM_GRACE_PERIOD") ?? "10s"

    @Option(
        help: ArgumentHelp(
            "How far another host's clock may be from this one's. (PROVISIONER_MAX_CLOCK_SKEW)",
            discussion:
                "A release left pending by another provisioner is taken over only once its pending revision is older than the deployment's timeout, --helm-grace-period and this together: until then its helm may still be running."
        )
    )
    var maxClockSkew = environment("PROVISIONER_MAX_CLOCK_SKEW") ?? "15s"

    @Option(
        help:
            "File with the bearer token(s) clients must send; every endpoint but /healthz and /readyz then answers 401 without one. (PROVISIONER_AUTH_TOKEN_FILE)"
    )
    var authTokenFile: String?

    @Flag(
        help: ArgumentHelp(
            "Accept kubeconfigs whose user has an exec credential plugin. (PROVISIONER_ALLOW_KUBECONFIG_EXEC=true)",
            discussion:
                "The plugin's command runs on this host for every helm call: only for sites where whoever may submit a kubeconfig may also run commands here."
        )
    )
    var allowKubeconfigExec = environment("PROVISIONER_ALLOW_KUBECONFIG_EXEC") == "true"

    @Option(name: .customLong("allowed-api-server"), help: AddressPolicyHelp.apiServers(variable: "PROVISIONER_ALLOWED_API_SERVERS"))
    var allowedAPIServers: [String] = CommaSeparated.entries(environment("PROVISIONER_ALLOWED_API_SERVERS"))

    @Option(
        name: .customLong("allowed-repository"),
        help: ArgumentHelp(
            "A chart repository requests may name in Chart.Repository; repeatable. Default: the services' own repositories. (PROVISIONER_ALLOWED_REPOSITORIES, comma-separated)",
            discussion:
                "An exact URL, or one with * (within a path segment) and ** (across segments), e.g. https://charts.example.com/**; matched on the whole URL, trailing slashes ignored."
        )
    )
    var allowedRepositories: [String] = CommaSeparated.entries(environment("PROVISIONER_ALLOWED_REPOSITORIES"))

    @Option(
        name: .customLong("allowed-dns-zone"),
        help: ArgumentHelp(
            "A Route53 hosted zone ID or a domain requests may have DNS records written to; repeatable. Default: none, so requests with DNS settings are refused. (PROVISIONER_ALLOWED_DNS_ZONES, comma-separated)",
            discussion: "A zone ID (Z0123ABC) allows that DNS.PrivateHostedZoneID; a domain allows that DNS.PrivateDomain and its subdomains."
        )
    )
    var allowedDNSZones: [String] = CommaSeparated.entries(environment("PROVISIONER_ALLOWED_DNS_ZONES"))

    @Option(
        help: ArgumentHelp(
            "How long a value fetched for a request's ValuesFrom (Secrets Manager, SSM) is kept in memory; 0 fetches it for every deployment. (PROVISIONER_VALUES_FROM_CACHE)",
            discussion: "A rotated secret reaches deployments within this time. Never written to disk."
        )
    )
    var valuesFromCache = environment("PROVISIONER_VALUES_FROM_CACHE") ?? "5m"

    @Option(name: .customLong("secret-key-word"), help: SecretValues.flagHelp(variable: "PROVISIONER_SECRET_KEY_WORDS"))
    var secretKeyWords: [String] = CommaSeparated.entries(environment("PROVISIONER_SECRET_KEY_WORDS"))

    static func main() async { await mainWithOneLineErrors() }

    func run() async throws {
        let configuration = try makeConfiguration()
        let logger = StructuredLogHandler.logger(label: "provisioner", format: configuration.logFormat, level: configuration.logLevel)
        try await ProvisionerServer(configuration: configuration, logger: logger).run()
    }

    func makeConfiguration() throws -> ProvisionerConfiguration {
        // Optional options take their environment variable here: ArgumentParser deprecates defaults on them.
        let chartDir = self.chartDir ?? environment("PROVISIONER_CHART_DIR")
        let authTokenFile = self.authTokenFile ?? environment("PROVISIONER_AUTH_TOKEN_FILE")
        func duration(_ text: String, _ option: String) throws -> Duration {
            do { return try GoDuration.parse(text) } catch { throw ValidationError("--\(option): \(error)") }
        }
        guard maxConcurrent >= 1 else { throw ValidationError("--max-concurrent must be at least 1") }
        guard retentionCount >= 0 else { throw ValidationError("--retention-count must not be negative") }
        guard let policy = RemediationPolicy(rawValue: remediation) else {
            throw ValidationError("--remediation must be rollback, uninstall or none")
        }
        if let chartDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: chartDir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--chart-dir: \(chartDir) is not a directory")
            }
        }
        var authTokens: [String] = []
        if let authTokenFile {
            do { authTokens = try TokenFile.read(authTokenFile) } catch { throw ValidationError("--auth-token-file: \(error)") }
        }
        let served = try serving.serving(environment: ProcessInfo.processInfo.environment, hasTokens: !authTokens.isEmpty)
        let repositories: [RepositoryPattern]?
        let dns: DNSAllowList
        do {
            repositories =
                allowedRepositories.isEmpty
                ? nil
                : try allowedRepositories.map { pattern throws(RepositoryPattern.Invalid) in
                    try RepositoryPattern(pattern)
                }
        } catch {
            throw ValidationError("--allowed-repository: \(error)")
        }
        do { dns = try DNSAllowList(allowedDNSZones) } catch { throw ValidationError("--allowed-dns-zone: \(error)") }
        return ProvisionerConfiguration(
            address: served.address,
            helm: helm,
            chartDirectory: chartDir,
            registries: try chartSources.registries(workDirectory: ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"),
            maxConcurrent: maxConcurrent,
            defaultTimeout: try duration(defaultTimeout, "default-timeout"),
            retention: try duration(retention, "retention"),
            retentionCount: retentionCount,
            drainTimeout: try duration(drainTimeout, "drain-timeout"),
            remediation: policy,
            helmGracePeriod: try duration(helmGracePeriod, "helm-grace-period"),
            maxClockSkew: try duration(maxClockSkew, "max-clock-skew"),
            authTokens: authTokens,
            tls: served.tls,
            logFormat: served.logFormat,
            logLevel: served.logLevel,
            kubeconfigPolicy: KubeconfigPolicy(
                allowExec: allowKubeconfigExec,
                servers: try AddressPolicy.apiServers.allowing(flagValues: allowedAPIServers, flag: "--allowed-api-server")
            ),
            allowedRepositories: repositories,
            allowedDNS: dns,
            valuesFromCache: valuesFromCache == "0" ? .zero : try duration(valuesFromCache, "values-from-cache"),
            secretValues: try SecretValues.adding(flagValues: secretKeyWords),
            otelEndpoint: served.otelEndpoint
        )
    }
}

/// The provisioner's names for the servers' shared flags.
enum ProvisionerNaming: ServerNaming {
    static let prefix = "PROVISIONER"
    static let defaultListen = "127.0.0.1:8076"
    static let tokenFlag = "--auth-token-file"
}
