import FleetAPI
import HelmDriver

/// Prometheus server from the prometheus-community chart, reachable inside the VPC at
/// `<cluster-id>.prometheus.<private-domain>` through the internal NGINX ingress.
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
    /// The controller's LoadBalancer Service that DNS name points at: what the `nginx` release of
    /// the ingress-nginx chart names it (a test holds this to the nginx declaration).
    let ingressController = ServiceLocation(namespace: "nginx", name: "nginx-ingress-nginx-controller")

    func derivedValues(for request: DeploymentRequest) -> JSONValue {
        var values: JSONValue = .nested("server.global.external_labels.clusterID", .string(request.clusterID))
        if let domain = request.dns?.privateDomain {
            let host = Self.ingressHost(clusterID: request.clusterID, privateDomain: domain)
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

    static func ingressHost(clusterID: String, privateDomain: String) -> String {
        "\(clusterID).prometheus.\(privateDomain)"
    }

    /// Points `<cluster-id>.prometheus.<private-domain>` at the NGINX controller's load balancer.
    func afterApply(_ context: DeploymentContext) async throws -> [String] {
        guard let record = try PrivateRecord(context.request) else { return ["DNS: the request has no DNS settings; no record registered"] }
        let target = try await context.kube.waitForLoadBalancerAddress(
            namespace: ingressController.namespace,
            service: ingressController.name,
            timeout: context.deadline - .now
        )
        let zone = try await record.zoneID(using: context.route53)
        try await context.route53.upsertCNAME(zoneID: zone, name: record.name, target: target)
        return ["DNS: \(record.name) CNAME \(target) in zone \(zone)"]
    }

    func beforeDelete(_ context: DeploymentContext) async throws -> [String] {
        guard let record = try PrivateRecord(context.request) else { return ["DNS: the request has no DNS settings; no record removed"] }
        let zone = try await record.zoneID(using: context.route53)
        let deleted = try await context.route53.deleteCNAME(zoneID: zone, name: record.name)
        return ["DNS: \(record.name) \(deleted == nil ? "was not registered" : "removed") in zone \(zone)"]
    }

    /// A Kubernetes Service, by namespace and name.
    struct ServiceLocation: Sendable, Equatable {
        var namespace: String
        var name: String
    }

    /// The Prometheus name in the cluster's private zone.
    struct PrivateRecord {
        var name: String
        var domain: String
        var zoneID: String?

        struct MissingDomain: Error, CustomStringConvertible {
            var description: String { "DNS.PrivateDomain is required to name the Prometheus record" }
        }

        init?(_ request: DeploymentRequest) throws {
            guard let dns = request.dns, dns.privateDomain != nil || dns.privateHostedZoneID != nil else { return nil }
            guard let domain = dns.privateDomain, !domain.isEmpty else { throw MissingDomain() }
            name = Prometheus.ingressHost(clusterID: request.clusterID, privateDomain: domain)
            self.domain = domain
            zoneID = dns.privateHostedZoneID
        }

        func zoneID(using route53: Route53) async throws -> String {
            if let zoneID { return zoneID }
            return try await route53.privateZoneID(forDomain: domain)
        }
    }
}
