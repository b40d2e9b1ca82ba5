import FleetAPI
import HelmDriver

/// prometheus-operator and its CRDs, from kube-prometheus-stack with every other component off: what
/// reconciles the `prometheus-stack` service's objects. Its CRDs are applied before every upgrade
/// (`createReplace`), since Helm would leave them at the version first installed.
struct PrometheusOperator: ThirdPartyService {
    let name: ServiceName = "prometheus-operator"
    let strategy = DeploymentStrategy.helm(
        HelmRelease(
            chart: ChartSpec(
                name: "kube-prometheus-stack",
                repositoryName: "prometheus-community",
                repositoryURL: "https://prometheus-community.github.io/helm-charts",
                defaultVersion: "79.12.0"
            ),
            release: ReleaseRef(name: "kube-prometheus-stack", namespace: "prometheus-operator"),
            crds: .createReplace
        )
    )
    var defaultValues: String { String(decoding: PackageResources.prometheus_operator_yaml, as: UTF8.self) }
}
