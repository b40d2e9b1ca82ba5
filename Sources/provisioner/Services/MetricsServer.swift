import FleetAPI
import HelmDriver

/// The Kubernetes metrics server: the resource metrics API that `kubectl top` and the horizontal
/// pod autoscaler read. Named, placed and pinned as the Go tool's `metrics-server` utility.
struct MetricsServer: ThirdPartyService {
    let name: ServiceName = "metrics-server"
    let strategy = DeploymentStrategy.helm(
        HelmRelease(
            chart: ChartSpec(
                name: "metrics-server",
                repositoryName: "metrics-server",
                repositoryURL: "https://kubernetes-sigs.github.io/metrics-server/",
                defaultVersion: "3.12.1"
            ),
            release: ReleaseRef(name: "metrics-server", namespace: "kube-system")
        )
    )
    var defaultValues: String { String(decoding: PackageResources.metrics_server_yaml, as: UTF8.self) }

    /// On EKS the control plane cannot reach pods on the Calico network, so the API server could not
    /// call the metrics API; host networking avoids that (as the Go tool does for EKS clusters).
    func derivedValues(for request: DeploymentRequest) -> JSONValue {
        guard request.kubeconfigSource?.eks != nil else { return [:] }
        return .nested("hostNetwork.enabled", true)
    }
}
