import FleetAPI
import HelmDriver
import Logging
import ServerSupport

/// Everything the provisioner is configured with, as one value passed down from the command line.
struct ProvisionerConfiguration: Sendable {
    var address: ListenAddress
    var helm: String
    var chartDirectory: String?
    /// Charts from OCI registries: plain-HTTP registries, logins, the cache; nil: the defaults.
    var registries: ChartRegistries? = nil
    var maxConcurrent: Int
    var defaultTimeout: Duration
    var retention: Duration
    var retentionCount: Int
    var drainTimeout: Duration
    var remediation: RemediationPolicy
    var helmGracePeriod: Duration
    /// How far another provisioner's clock may be from this one's (see `ReleaseHold`).
    var maxClockSkew: Duration = .seconds(15)
    /// Bearer tokens accepted from clients; empty means no authentication.
    var authTokens: [String]
    /// Serve HTTPS with these; nil serves plain HTTP.
    var tls: ServerSupport.TLSFiles?
    var logFormat: StructuredLogHandler.Format
    var logLevel: Logger.Level
    var kubeconfigPolicy = KubeconfigPolicy.dataOnly
    /// Where requests may point `Chart.Repository`; nil: the services' own repositories.
    var allowedRepositories: [RepositoryPattern]? = nil
    /// The Route53 zones requests may have records written to; none by default.
    var allowedDNS = DNSAllowList.none
    /// How long a value fetched for `ValuesFrom` is kept in memory; zero fetches every time.
    var valuesFromCache: Duration = .seconds(300)
    /// Which values are secrets (`--secret-key-word` adds words to the defaults).
    var secretValues = SecretValues()
    /// Where spans are sent (`--otel-endpoint`); nil: nowhere.
    var otelEndpoint: String?
}
