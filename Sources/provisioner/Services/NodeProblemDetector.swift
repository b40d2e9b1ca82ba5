import FleetAPI
import HelmDriver

/// node-problem-detector as a DaemonSet reporting kernel, runtime and hardware problems of every
/// node as node conditions and events. Named, placed and pinned as the Go tool's utility.
struct NodeProblemDetector: ThirdPartyService {
    let name: ServiceName = "node-problem-detector"
    let strategy = DeploymentStrategy.helm(
        HelmRelease(
            chart: ChartSpec(
                name: "node-problem-detector",
                repositoryName: "deliveryhero",
                repositoryURL: "https://charts.deliveryhero.io/",
                defaultVersion: "2.3.12"
            ),
            release: ReleaseRef(name: "node-problem-detector", namespace: "node-problem-detector")
        )
    )
    var defaultValues: String { String(decoding: PackageResources.node_problem_detector_yaml, as: UTF8.self) }
}
