import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// The values a service ships and derives are written in its chart's own key names, at every
/// chart version we target: a key the chart does not have is silently ignored by Helm, so it
/// has to fail here, with its path.
@Suite("Service values against the upstream charts")
struct UpstreamValuesTests {
    /// Keys the charts read without a default in values.yaml, so only their templates show them.
    static let readWithoutDefault: [String: [String: String]] = [
        "prometheus": [
            "server.global.external_labels": "templates/cm.yaml renders server.global whole as prometheus.yml's global section",
            "server.ingress.ingressClassName": "templates/ingress.yaml sets spec.ingressClassName from it when given",
        ]
    ]

    /// What a service ships and derives for a cluster that has everything a service derives from:
    /// a private domain, and an EKS source for its kubeconfig.
    static func values(of service: any ThirdPartyService) throws -> JSONValue {
        var request = DeploymentRequest(
            clusterID: "c1",
            service: service.name,
            action: .apply,
            kubeconfig: "",
            dns: DNSConfig(privateDomain: "internal.example")
        )
        request.kubeconfigSource = KubeconfigSource(eks: .init(cluster: "c1", region: "us-east-1"))
        return try JSONValue(yaml: service.defaultValues).merging(service.derivedValues(for: request))
    }

    /// The leaf paths of `values` the chart has no key for, allowances aside.
    static func undeclared(_ values: JSONValue, in chart: UpstreamChart) -> [String] {
        let allowed = readWithoutDefault[chart.name] ?? [:]
        return values.leafPaths.map { $0.joined(separator: ".") }.filter { path in
            !chart.declares(path.split(separator: ".").map(String.init)) && !allowed.keys.contains { path == $0 || path.hasPrefix("\($0).") }
        }
    }

    @Test("every service's chart is kept upstream at its default version and at least one other, to upgrade to or from")
    func chartsAreKept() throws {
        for service in ServiceCatalog.standard.helmServices {
            let versions = try UpstreamChart.versions(of: service.helm.chart.name).map(\.version)
            #expect(versions.contains(service.helm.chart.defaultVersion), "\(service.helm.chart.name) \(service.helm.chart.defaultVersion)")
            #expect(versions.count >= 2, "\(service.helm.chart.name): \(versions)")
        }
    }

    @Test("the tests' list of default chart versions is the services'")
    func testbedDefaults() {
        #expect(
            Testbed.defaultChartVersions
                == Dictionary(uniqueKeysWithValues: ServiceCatalog.standard.helmServices.map { ($0.name, $0.helm.chart.defaultVersion) })
        )
    }

    @Test("every shipped and derived value is a key of the upstream chart, at every version kept", arguments: ServiceCatalog.standard.helmNames)
    func valuesAreChartKeys(_ name: ServiceName) throws {
        let service = try #require(ServiceCatalog.standard[name])
        let values = try Self.values(of: service)
        for chart in try UpstreamChart.versions(of: service.helm.chart.name) {
            #expect(Self.undeclared(values, in: chart) == [], "\(chart.name) \(chart.version)")
        }
    }

    @Test("an invented key is reported with its path")
    func inventedKeyFails() throws {
        let chart = try #require(try UpstreamChart.versions(of: "fluent-bit").first)
        let old: JSONValue = ["config": ["output": ["host": "elasticsearch.example"], "logLevel": "info"], "flush": 5]
        #expect(Self.undeclared(old, in: chart) == ["config.logLevel", "config.output.host"])
    }

    @Test("a key under a free-form map of the chart is its own (annotations, a controller's config)")
    func freeFormMaps() throws {
        let chart = try #require(try UpstreamChart.versions(of: "ingress-nginx").last)
        let values: JSONValue = ["controller": ["config": ["proxy-body-size": "100m"], "service": ["annotations": ["a/b": "c"]]]]
        #expect(Self.undeclared(values, in: chart) == [])
    }
}
