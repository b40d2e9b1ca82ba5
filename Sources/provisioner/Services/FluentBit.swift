import Internal

/// Fluent Bit as a DaemonSet shipping every node's container logs to the private Elasticsearch.
struct FluentBit: ThirdPartyService {
    let name: ServiceName = "fluentbit"
    let chart = ChartSpec(
        name: "fluent-bit",
        repositoryName: "fluent",
        repositoryURL: "https://fluent.github.io/helm-charts",
        defaultVersion: "0.40.0"
    )
    let release = ReleaseRef(name: "fluent-bit", namespace: "fluent-bit")
    var defaultValues: String { String(decoding: PackageResources.fluentbit_yaml, as: UTF8.self) }

    func derivedValues(for request: DeploymentRequest) -> JSONValue {
        guard let domain = request.dns?.privateDomain else { return [:] }
        return .nested("config.output.host", .string(Self.outputHost(privateDomain: domain)))
    }

    static func outputHost(privateDomain: String) -> String {
        "elasticsearch.\(privateDomain)"
    }
}
