/// What a client asks the provisioner to do: everything the job needs, so the provisioner keeps
/// no state of its own. Field names are PascalCase on the wire, as in the Go code base.
public struct DeploymentRequest: Codable, Sendable, Hashable {
    public var id: String?
    public var clusterID: String
    public var service: ServiceName
    public var action: DeploymentAction
    public var chart: ChartRequest?
    public var values: JSONValue?
    /// Values the provisioner fetches from AWS at apply time and puts at their paths.
    public var valuesFrom: [ValueReference]?
    /// The kubeconfig's text; empty when `kubeconfigSource` says where to fetch it.
    public var kubeconfig: String
    public var kubeconfigSource: KubeconfigSource?
    public var dns: DNSConfig?
    public var timeoutSeconds: Int?
    /// The client knows that every earlier attempt at this deployment has ended (e.g. the
    /// provisioner that ran it restarted), so a release they left pending is recovered at once
    /// instead of waited for until provably stale.
    public var previousAttemptsEnded: Bool?
    /// After a successful apply, run the chart's tests; a failed test fails (and remediates) it.
    public var test: Bool?
    /// For a check: the release revision the last apply made; another means someone else changed it.
    public var expectedRevision: Int?
    /// An apply takes back fields another field manager changed (a drift correction): Helm 4's
    /// server-side apply then forces its conflicts (`--force-conflicts`), as Flux does.
    public var forceConflicts: Bool?

    public init(
        id: String? = nil,
        clusterID: String,
        service: ServiceName,
        action: DeploymentAction,
        chart: ChartRequest? = nil,
        values: JSONValue? = nil,
        kubeconfig: String,
        kubeconfigSource: KubeconfigSource? = nil,
        dns: DNSConfig? = nil,
        timeoutSeconds: Int? = nil,
        previousAttemptsEnded: Bool? = nil,
        test: Bool? = nil
    ) {
        self.id = id
        self.clusterID = clusterID
        self.service = service
        self.action = action
        self.chart = chart
        self.values = values
        self.kubeconfig = kubeconfig
        self.kubeconfigSource = kubeconfigSource
        self.dns = dns
        self.timeoutSeconds = timeoutSeconds
        self.previousAttemptsEnded = previousAttemptsEnded
        self.test = test
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        clusterID = try container.decode(String.self, forKey: .clusterID)
        service = try container.decode(ServiceName.self, forKey: .service)
        action = try container.decode(DeploymentAction.self, forKey: .action)
        chart = try container.decodeIfPresent(ChartRequest.self, forKey: .chart)
        values = try container.decodeIfPresent(JSONValue.self, forKey: .values)
        valuesFrom = try container.decodeIfPresent([ValueReference].self, forKey: .valuesFrom)
        kubeconfigSource = try container.decodeIfPresent(KubeconfigSource.self, forKey: .kubeconfigSource)
        // Either the kubeconfig itself or where to fetch it.
        kubeconfig =
            kubeconfigSource == nil
            ? try container.decode(String.self, forKey: .kubeconfig)
            : try container.decodeIfPresent(String.self, forKey: .kubeconfig) ?? ""
        dns = try container.decodeIfPresent(DNSConfig.self, forKey: .dns)
        timeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .timeoutSeconds)
        previousAttemptsEnded = try container.decodeIfPresent(Bool.self, forKey: .previousAttemptsEnded)
        test = try container.decodeIfPresent(Bool.self, forKey: .test)
        expectedRevision = try container.decodeIfPresent(Int.self, forKey: .expectedRevision)
        forceConflicts = try container.decodeIfPresent(Bool.self, forKey: .forceConflicts)
    }
}

/// Where to fetch a kubeconfig kept in AWS instead of sending it inline, or the EKS cluster whose
/// kubeconfig the provisioner builds itself (DescribeCluster and a native token, no exec plugin).
public struct KubeconfigSource: Codable, Sendable, Hashable, CustomStringConvertible {
    public struct S3Object: Codable, Sendable, Hashable {
        public var bucket: String
        public var key: String
        public init(bucket: String, key: String) {
            self.bucket = bucket
            self.key = key
        }
    }

    public struct Secret: Codable, Sendable, Hashable {
        public var secretID: String
        public init(secretID: String) { self.secretID = secretID }
    }

    public struct EKSCluster: Codable, Sendable, Hashable {
        public var cluster: String
        public var region: String
        public init(cluster: String, region: String) {
            self.cluster = cluster
            self.region = region
        }
    }

    public var s3: S3Object?
    public var secretsManager: Secret?
    public var eks: EKSCluster?

    public init(s3: S3Object? = nil, secretsManager: Secret? = nil, eks: EKSCluster? = nil) {
        self.s3 = s3
        self.secretsManager = secretsManager
        self.eks = eks
    }

    public var description: String {
        if let s3 { return "s3://\(s3.bucket)/\(s3.key)" }
        if let secretsManager { return "secretsmanager:\(secretsManager.secretID)" }
        if let eks { return "eks:\(eks.region)/\(eks.cluster)" }
        return "nowhere"
    }
}

public enum DeploymentAction: String, Codable, Sendable, CaseIterable {
    case apply
    case delete
    /// Changes nothing: succeeds if the release is deployed (at the requested chart version, when
    /// one is given) and its workloads are ready. A rollout's soak sends it.
    case verify
    /// Changes nothing: what an apply of this chart and values would change (`Plan` in the status).
    case plan
    /// Changes nothing: whether the release is still what was last applied (`Drift` in the status).
    case check
}

/// A request's choice of chart; anything left out falls back to the service's defaults.
public struct ChartRequest: Codable, Sendable, Hashable {
    public var version: String?
    public var repository: String?
    /// The chart's content, pinned (`sha256:` and 64 hex digits): for a chart from an OCI registry,
    /// its manifest digest. A chart whose digest differs is refused before helm runs. In a status,
    /// the digest of the chart actually deployed.
    public var digest: String?

    public init(version: String? = nil, repository: String? = nil, digest: String? = nil) {
        self.version = version
        self.repository = repository
        self.digest = digest
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
}
