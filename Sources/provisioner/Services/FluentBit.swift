import FleetAPI
import HelmDriver

/// Fluent Bit as a DaemonSet shipping every node's container logs to the private Elasticsearch.
struct FluentBit: ThirdPartyService {
    let name: ServiceName = "fluentbit"
    let strategy = DeploymentStrategy.helm(
        HelmRelease(
            chart: ChartSpec(
                name: "fluent-bit",
                repositoryName: "fluent",
                repositoryURL: "https://fluent.github.io/helm-charts",
                defaultVersion: "0.40.0"
            ),
            release: ReleaseRef(name: "fluent-bit", namespace: "fluent-bit")
        )
    )
    var defaultValues: String { String(decoding: PackageResources.fluentbit_yaml, as: UTF8.self) }

    /// The chart takes its outputs as one block of Fluent Bit configuration text (`config.outputs`),
    /// not as keys, so the whole section is derived: a key can't be changed inside a string.
    func derivedValues(for request: DeploymentRequest) -> JSONValue {
        let host = request.dns?.privateDomain.map(Self.outputHost(privateDomain:)) ?? Self.inClusterHost
        return .nested("config.outputs", .string(Self.outputs(host: host)))
    }

    /// Without a private domain, the Elasticsearch service of the cluster's own `logging` namespace.
    static let inClusterHost = "elasticsearch.logging.svc"

    static func outputHost(privateDomain: String) -> String {
        "elasticsearch.\(privateDomain)"
    }

    /// Every record to one Elasticsearch index over TLS; `Retry_Limit False` keeps retrying while
    /// Elasticsearch is away rather than dropping logs, and Elasticsearch 8 refuses type names.
    static func outputs(host: String) -> String {
        """
        [OUTPUT]
            Name es
            Match *
            Host \(host)
            Port 443
            Index fluent-bit
            tls On
            Suppress_Type_Name On
            Retry_Limit False

        """
    }
}
