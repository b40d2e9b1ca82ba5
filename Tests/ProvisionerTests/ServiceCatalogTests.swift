import FleetAPI
import Foundation
import HelmDriver
import Testing

@testable import provisioner

/// Each service is one declaration; the catalog derives the rest from them.
@Suite("Service catalog")
struct ServiceCatalogTests {
    let catalog = ServiceCatalog.standard

    @Test("offers each declared service once, by name, the three original ones and the Go tool's among them")
    func names() {
        #expect(catalog.names == catalog.names.sorted() && Set(catalog.names).count == catalog.all.count)
        #expect(Set(catalog.names).isSuperset(of: ["fluentbit", "metrics-server", "nginx", "node-problem-detector", "prometheus"]))
    }

    @Test("deploys each service after what it depends on, every service once")
    func order() {
        #expect(catalog.order.sorted() == catalog.names)
        for (index, name) in catalog.order.enumerated() {
            for needed in catalog[name]?.dependsOn ?? [] {
                #expect(catalog.order.firstIndex(of: needed).map { $0 < index } == true, "\(name) comes after \(needed)")
            }
        }
        #expect(catalog["prometheus"]?.dependsOn == ["nginx"])
    }

    @Test("every service depends only on services in the catalog")
    func dependenciesExist() {
        for service in catalog.all {
            for needed in service.dependsOn { #expect(catalog[needed] != nil, "\(service.name) needs \(needed)") }
        }
    }

    @Test("every service finds its shipped values, a YAML mapping, by its name")
    func shippedValues() throws {
        for service in catalog.all {
            let values = try JSONValue(yaml: service.defaultValues).objectValue
            #expect(values?.isEmpty == false, "values/\(service.name).yaml")
        }
    }

    @Test("Prometheus points its DNS name at the load balancer of the nginx release's controller")
    func ingressControllerIsNginxs() {
        let nginx = Nginx()
        #expect(PrometheusName.ingressController == .init(namespace: nginx.helm.release.namespace, name: nginx.controllerService))
    }

    @Test("the new services carry the Go tool's names, namespaces, charts and default versions")
    func goCompatible() {
        let metrics = MetricsServer()
        let detector = NodeProblemDetector()
        #expect("\(metrics.helm.chart.repositoryName)/\(metrics.helm.chart.name)" == "metrics-server/metrics-server")
        #expect(metrics.helm.release == ReleaseRef(name: "metrics-server", namespace: "kube-system"))
        #expect(metrics.helm.chart.defaultVersion == "3.12.1")
        #expect("\(detector.helm.chart.repositoryName)/\(detector.helm.chart.name)" == "deliveryhero/node-problem-detector")
        #expect(detector.helm.release == ReleaseRef(name: "node-problem-detector", namespace: "node-problem-detector"))
        #expect(detector.helm.chart.defaultVersion == "2.3.12")
    }

    @Test("metrics-server uses host networking on EKS clusters only, as the Go tool")
    func metricsServerOnEKS() {
        var request = DeploymentRequest(clusterID: "c1", service: "metrics-server", action: .apply, kubeconfig: "")
        #expect(MetricsServer().derivedValues(for: request) == [:])
        request.kubeconfigSource = KubeconfigSource(eks: .init(cluster: "c1", region: "us-east-1"))
        #expect(MetricsServer().derivedValues(for: request) == ["hostNetwork": ["enabled": true]])
    }
}
