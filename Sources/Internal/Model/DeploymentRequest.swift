/// What a client asks the provisioner to do: everything the job needs, so the provisioner keeps
/// no state of its own. Field names are PascalCase on the wire, as in the Go code base.
public struct DeploymentRequest: Codable, Sendable, Hashable {
    public var id: String?
    public var clusterID: String
    public var service: ServiceName
    public var action: DeploymentAction
    public var chart: ChartRequest?
    public var values: JSONValue?
    public var kubeconfig: String
    public var dns: DNSConfig?
    public var timeoutSeconds: Int?

    public init(
        id: String? = nil, clusterID: String, service: ServiceName, action: DeploymentAction,
        chart: ChartRequest? = nil, values: JSONValue? = nil, kubeconfig: String,
        dns: DNSConfig? = nil, timeoutSeconds: Int? = nil
    ) {
        self.id = id
        self.clusterID = clusterID
        self.service = service
        self.action = action
        self.chart = chart
        self.values = values
        self.kubeconfig = kubeconfig
        self.dns = dns
        self.timeoutSeconds = timeoutSeconds
    }

    enum CodingKeys: String, CodingKey {
        case id = "ID", clusterID = "ClusterID", service = "Service", action = "Action", chart = "Chart"
        case values = "Values", kubeconfig = "Kubeconfig", dns = "DNS", timeoutSeconds = "TimeoutSeconds"
    }
}

public enum DeploymentAction: String, Codable, Sendable, CaseIterable {
    case apply
    case delete
}

/// A request's choice of chart; anything left out falls back to the service's defaults.
public struct ChartRequest: Codable, Sendable, Hashable {
    public var version: String?
    public var repository: String?

    public init(version: String? = nil, repository: String? = nil) {
        self.version = version
        self.repository = repository
    }

    enum CodingKeys: String, CodingKey {
        case version = "Version", repository = "Repository"
    }
}

/// Where services that register DNS names put them (the cluster's private Route53 zone).
public struct DNSConfig: Codable, Sendable, Hashable {
    public var privateDomain: String?
    public var privateHostedZoneID: String?

    public init(privateDomain: String? = nil, privateHostedZoneID: String? = nil) {
        self.privateDomain = privateDomain
        self.privateHostedZoneID = privateHostedZoneID
    }

    enum CodingKeys: String, CodingKey {
        case privateDomain = "PrivateDomain", privateHostedZoneID = "PrivateHostedZoneID"
    }
}
