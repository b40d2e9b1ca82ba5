import FleetAPI
import HelmDriver

/// The NGINX ingress controller behind an internal AWS load balancer; other services' ingresses
/// (Prometheus) and DNS records point at it.
struct Nginx: ThirdPartyService {
    let name: ServiceName = "nginx"
    static let helm = HelmRelease(
        chart: ChartSpec(
            name: "ingress-nginx",
            repositoryName: "ingress-nginx",
            repositoryURL: "https://kubernetes.github.io/ingress-nginx",
            defaultVersion: "4.15.1"
        ),
        release: ReleaseRef(name: "nginx", namespace: "nginx"),
        // The admission webhook's certificate Jobs: `admission-create` (pre-install, pre-upgrade)
        // and `admission-patch` (post-install, post-upgrade), on by default in ingress-nginx 4.x.
        hookWaits: 2
    )
    let strategy = DeploymentStrategy.helm(Self.helm)
    var defaultValues: String { String(decoding: PackageResources.nginx_yaml, as: UTF8.self) }

    /// The controller's LoadBalancer Service, named by the chart after the release.
    var controllerService: String { "\(Self.helm.release.name)-\(Self.helm.chart.name)-controller" }
}
