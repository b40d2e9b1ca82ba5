import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// What each service's shipped and derived values are for, asserted in the objects its chart renders
/// from them (the testbed's charts, held to the upstream charts' keys), at every chart version kept.
@Suite("Shipped values reach the rendered objects", .tags(.integration), .skippedInFastRuns)
struct RenderedIntentTests {
    /// A cluster with a private domain, deployed from an EKS source.
    static func request(_ service: ServiceName) -> DeploymentRequest {
        var request = DeploymentRequest(
            clusterID: "c1",
            service: service,
            action: .apply,
            kubeconfig: "",
            dns: DNSConfig(privateDomain: "internal.example")
        )
        request.kubeconfigSource = KubeconfigSource(eks: .init(cluster: "c1", region: "us-east-1"))
        return request
    }

    static func render(_ name: ServiceName, _ version: String, request: DeploymentRequest? = nil) async throws -> RenderedChart {
        let service = try #require(ServiceCatalog.standard[name])
        return try await RenderedChart(service, version: version, request: request ?? Self.request(name))
    }

    static func versions(_ chart: String) -> [String] {
        (try? UpstreamChart.versions(of: chart).map(\.version)) ?? []
    }

    @Test("Fluent Bit ships to the cluster's private Elasticsearch over TLS, flushing every 5 s", arguments: versions("fluent-bit"))
    func fluentBit(_ version: String) async throws {
        let config = try await Self.render("fluentbit", version).text("ConfigMap", "fluent-bit", "data", "fluent-bit.conf")
        let lines = Set(config.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(
            lines.isSuperset(of: ["Host elasticsearch.internal.example", "Port 443", "Index fluent-bit", "tls On", "Flush 5", "Log_Level info"]),
            "\(config)"
        )
        #expect(!config.contains("elasticsearch-master"), "the chart's default output is replaced")
    }

    @Test("Fluent Bit without a private domain ships to the cluster's own logging namespace", arguments: versions("fluent-bit"))
    func fluentBitInCluster(_ version: String) async throws {
        var request = Self.request("fluentbit")
        request.dns = nil
        let config = try await Self.render("fluentbit", version, request: request).text("ConfigMap", "fluent-bit", "data", "fluent-bit.conf")
        #expect(config.contains("Host elasticsearch.logging.svc"), "\(config)")
    }

    @Test("Prometheus labels its series with the cluster ID and is reachable at its private name", arguments: versions("prometheus"))
    func prometheus(_ version: String) async throws {
        let rendered = try await Self.render("prometheus", version)
        let configuration = try JSONValue(yaml: rendered.text("ConfigMap", "prometheus-server", "data", "prometheus.yml"))
        #expect(configuration[path: ["global", "external_labels", "clusterID"]] == "c1")
        #expect(configuration[path: ["global", "scrape_interval"]] == "1m")
        #expect(configuration[path: ["global", "evaluation_interval"]] == "1m")
        let server = rendered.container("Deployment", "prometheus-server", named: "prometheus-server")
        let arguments = server.objectValue?["args"]?.arrayStrings ?? []
        #expect(arguments.contains("--storage.tsdb.retention.time=15d"), "\(arguments)")
        #expect(server[path: ["resources", "requests", "memory"]] == "2Gi")
        #expect(rendered["PersistentVolumeClaim", "prometheus-server"][path: ["spec", "resources", "requests", "storage"]] == "50Gi")
        let ingress = rendered["Ingress", "prometheus-server"]
        #expect(ingress[path: ["spec", "ingressClassName"]] == "nginx")
        #expect(ingress[path: ["spec", "rules"]]?.arrayValue?.first?[path: ["host"]] == "c1.prometheus.internal.example")
        #expect(!rendered.objects.keys.contains { $0.contains("alertmanager") || $0.contains("pushgateway") }, "\(rendered.objects.keys.sorted())")
    }

    @Test("metrics-server asks kubelets by their InternalIP only, the flag given once", arguments: versions("metrics-server"))
    func metricsServer(_ version: String) async throws {
        let rendered = try await Self.render("metrics-server", version)
        let arguments = rendered.container("Deployment", "metrics-server").objectValue?["args"]?.arrayStrings ?? []
        #expect(
            arguments.filter { $0.hasPrefix("--kubelet-preferred-address-types") } == ["--kubelet-preferred-address-types=InternalIP"],
            "\(arguments)"
        )
        #expect(rendered["Deployment", "metrics-server"][path: ["spec", "template", "spec", "hostNetwork"]] == true, "host networking on EKS")
    }

    @Test("NGINX runs two controllers behind an internal network load balancer", arguments: versions("ingress-nginx"))
    func nginx(_ version: String) async throws {
        let rendered = try await Self.render("nginx", version)
        let service = rendered["Service", Nginx().controllerService]
        #expect(service[path: ["spec", "type"]] == "LoadBalancer")
        #expect(service[path: ["metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-internal"]] == "true")
        #expect(service[path: ["metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-type"]] == "nlb")
        #expect(rendered["Deployment", Nginx().controllerService][path: ["spec", "replicas"]] == 2)
        let config = rendered["ConfigMap", Nginx().controllerService]
        #expect(config[path: ["data", "use-forwarded-headers"]] == "true")
        #expect(config[path: ["data", "proxy-body-size"]] == "100m")
        #expect(rendered["IngressClass", "nginx"][path: ["spec", "controller"]] == "k8s.io/ingress-nginx")
    }

    @Test("node-problem-detector runs on every node, tainted ones included", arguments: versions("node-problem-detector"))
    func nodeProblemDetector(_ version: String) async throws {
        let rendered = try await Self.render("node-problem-detector", version)
        let pod = rendered["DaemonSet", "node-problem-detector"][path: ["spec", "template", "spec"]]
        #expect(pod?[path: ["tolerations"]] == [["operator": "Exists"]])
        #expect(rendered.container("DaemonSet", "node-problem-detector")[path: ["resources", "requests"]] == ["cpu": "20m", "memory": "64Mi"])
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    var arrayStrings: [String] {
        (arrayValue ?? []).compactMap { if case .string(let text) = $0 { text } else { nil } }
    }
}
