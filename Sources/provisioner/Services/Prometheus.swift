import Internal

/// Prometheus server from the prometheus-community chart, reachable inside the VPC at
/// `<cluster-id>.prometheus.<private-domain>` through the internal NGINX ingress.
struct Prometheus: ThirdPartyService {
    let name: ServiceName = "prometheus"
    let chart = ChartSpec(
        name: "prometheus", repositoryName: "prometheus-community",
        repositoryURL: "https://prometheus-community.github.io/helm-charts", defaultVersion: "25.18.0")
    let release = ReleaseRef(name: "prometheus", namespace: "prometheus")
    var defaultValues: String { String(decoding: PackageResources.prometheus_yaml, as: UTF8.self) }

    func derivedValues(for request: DeploymentRequest) -> JSONValue {
        var values: JSONValue = .nested("server.externalLabels.clusterID", .string(request.clusterID))
        if let domain = request.dns?.privateDomain {
            let host = Self.ingressHost(clusterID: request.clusterID, privateDomain: domain)
            values = values.merging(.nested("server.ingress", [
                "enabled": true, "ingressClassName": "nginx", "hosts": [.string(host)],
            ]))
        }
        return values
    }

    static func ingressHost(clusterID: String, privateDomain: String) -> String {
        "\(clusterID).prometheus.\(privateDomain)"
    }
}
