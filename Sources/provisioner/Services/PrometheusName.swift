import FleetAPI
import HelmDriver

/// `<cluster-id>.prometheus.<private-domain>`: where Prometheus answers inside the VPC, whichever
/// service runs it (`prometheus` or `prometheus-stack`, which conflict for this reason), as a CNAME
/// at the NGINX controller's load balancer that its Ingress sits behind.
enum PrometheusName {
    /// The controller's LoadBalancer Service the name points at: what the `nginx` release of the
    /// ingress-nginx chart names it (a test holds this to the nginx declaration).
    static let ingressController = ServiceLocation(namespace: "nginx", name: "nginx-ingress-nginx-controller")

    static func host(clusterID: String, privateDomain: String) -> String {
        "\(clusterID).prometheus.\(privateDomain)"
    }

    /// Points the name at the NGINX controller's load balancer, once it has an address.
    static func register(_ context: DeploymentContext) async throws -> [String] {
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

    static func remove(_ context: DeploymentContext) async throws -> [String] {
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

    /// The name in the cluster's private zone.
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
            name = PrometheusName.host(clusterID: request.clusterID, privateDomain: domain)
            self.domain = domain
            zoneID = dns.privateHostedZoneID
        }

        func zoneID(using route53: Route53) async throws -> String {
            if let zoneID { return zoneID }
            return try await route53.privateZoneID(forDomain: domain)
        }
    }
}
