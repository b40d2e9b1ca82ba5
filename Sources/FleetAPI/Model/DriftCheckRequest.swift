/// Drift checks of several of one cluster's releases, asked together and answered in the response
/// (`POST /api/checks`): a check changes nothing, so it needs no job, lock or retry, and one
/// kubeconfig and one connection to the cluster serve them all. The drift monitor sends one per
/// cluster instead of one check deployment per release.
public struct DriftCheckRequest: Codable, Sendable, Hashable {
    public var clusterID: String
    /// The kubeconfig's text; empty when `kubeconfigSource` says where to fetch it.
    public var kubeconfig: String
    public var kubeconfigSource: KubeconfigSource?
    /// Empty: only the cluster's Kubernetes version is asked.
    public var releases: [Release]
    /// How long all the checks together may take.
    public var timeoutSeconds: Int?

    /// One release to check: the service's, as its last apply left it.
    public struct Release: Codable, Sendable, Hashable {
        public var service: ServiceName
        /// The chart version last applied; another one running is drift.
        public var chart: ChartRequest?
        /// The revision the last apply made; another one is someone else's change.
        public var expectedRevision: Int?

        public init(service: ServiceName, chart: ChartRequest? = nil, expectedRevision: Int? = nil) {
            self.service = service
            self.chart = chart
            self.expectedRevision = expectedRevision
        }
    }

    public init(
        clusterID: String,
        kubeconfig: String,
        kubeconfigSource: KubeconfigSource? = nil,
        releases: [Release],
        timeoutSeconds: Int? = nil
    ) {
        self.clusterID = clusterID
        self.kubeconfig = kubeconfig
        self.kubeconfigSource = kubeconfigSource
        self.releases = releases
        self.timeoutSeconds = timeoutSeconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clusterID = try container.decode(String.self, forKey: .clusterID)
        kubeconfigSource = try container.decodeIfPresent(KubeconfigSource.self, forKey: .kubeconfigSource)
        // Either the kubeconfig itself or where to fetch it, as for a deployment.
        kubeconfig =
            kubeconfigSource == nil
            ? try container.decode(String.self, forKey: .kubeconfig)
            : try container.decodeIfPresent(String.self, forKey: .kubeconfig) ?? ""
        releases = try container.decode([Release].self, forKey: .releases)
        timeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .timeoutSeconds)
    }
}

/// The answer to a `DriftCheckRequest`: a result per release, in the order asked, and the
/// cluster's Kubernetes version as its `GET /version` says it (`gitVersion`, e.g.
/// `v1.30.2-eks-1552ad0`; nil when the cluster did not answer, or from an older provisioner).
public struct DriftCheckResults: Codable, Sendable, Hashable {
    public var results: [Result]
    public var kubernetesVersion: String?

    public init(results: [Result], kubernetesVersion: String? = nil) {
        self.results = results
        self.kubernetesVersion = kubernetesVersion
    }

    /// One release's check: `Drift` when it could be checked, `Error` when not (the cluster did
    /// not answer, or time ran out).
    public struct Result: Codable, Sendable, Hashable {
        public var service: ServiceName
        public var release: ReleaseInfo?
        public var drift: DriftReport?
        public var error: String?

        public init(service: ServiceName, release: ReleaseInfo? = nil, drift: DriftReport? = nil, error: String? = nil) {
            self.service = service
            self.release = release
            self.drift = drift
            self.error = error
        }
    }
}
