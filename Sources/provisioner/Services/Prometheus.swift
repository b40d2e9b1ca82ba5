import FleetAPI
import HelmDriver

/// Prometheus server from the prometheus-community chart, reachable inside the VPC at
/// `<cluster-id>.prometheus.<private-domain>` (`PrometheusName`) through the internal NGINX ingress.
struct Prometheus: ThirdPartyService {
    let name: ServiceName = "prometheus"
    let strategy = DeploymentStrategy.helm(
        HelmRelease(
            chart: ChartSpec(
                name: "prometheus",
                repositoryName: "prometheus-community",
                repositoryURL: "https://prometheus-community.github.io/helm-charts",
                defaultVersion: "25.18.0"
            ),
            release: ReleaseRef(name: "prometheus", namespace: "prometheus")
        )
    )
    var defaultValues: String { String(decoding: PackageResources.prometheus_yaml, as: UTF8.self) }
    /// Its ingress and DNS name point at the NGINX controller.
    let dependsOn: [ServiceName] = ["nginx"]
    /// prometheus-operator's Prometheus, the other way to run it, claims the same DNS name.
    let conflictsWith: [ServiceName] = ["prometheus-stack"]
    func derivedValues(for request: DeploymentRequest) -> JSONValue {
        var values: JSONValue = .nested("server.global.external_labels.clusterID", .string(request.clusterID))
        if let domain = request.dns?.privateDomain {
            let host = PrometheusName.host(clusterID: request.clusterID, privateDomain: domain)
            values = values.merging(
                .nested(
                    "server.ingress",
                    [
                        "enabled": true, "ingressClassName": "nginx", "hosts": [.string(host)],
                    ]
                )
            )
        }
        return values
    }

    /// Points `<cluster-id>.prometheus.<private-domain>` at the NGINX controller's load balancer.
    func afterApply(_ context: DeploymentContext) async throws -> [String] {
        try await PrometheusName.register(context)
    }

    func beforeDelete(_ context: DeploymentContext) async throws -> [String] {
        try await PrometheusName.remove(context)
    }
}
