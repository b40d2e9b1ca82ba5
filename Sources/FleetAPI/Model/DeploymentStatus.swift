/// A deployment as the provisioner reports it. Never carries the kubeconfig.
public struct DeploymentStatus: Codable, Sendable, Hashable {
    public var id: String
    public var clusterID: String
    public var service: ServiceName
    public var action: DeploymentAction
    /// The chart actually used: the request's choice or the service's default.
    public var chart: ChartRequest
    /// What the chart's provenance said, when the provisioner checks charts from its registry.
    public var chartVerification: ChartVerification?
    public var state: DeploymentState
    /// Milliseconds since the epoch; 0 when it has not happened yet, as in the Go code base.
    public var createAt: Int64
    public var startAt: Int64
    public var endAt: Int64
    public var error: String?
    /// What was done to a release left pending by an earlier, interrupted operation.
    public var recovery: RemediationRecord?
    /// What was done after this deployment failed.
    public var remediation: RemediationRecord?
    public var release: ReleaseInfo?
    /// The last lines of helm's output, secrets redacted.
    public var log: [String]
    /// While running: what the deployment waits for, e.g. another operation on the release.
    public var waiting: String?
    /// A finished plan: what applying would change.
    public var plan: ReleasePlan?
    /// A finished check: whether the release is still what was last applied.
    public var drift: DriftReport?

    public init(
        id: String,
        clusterID: String,
        service: ServiceName,
        action: DeploymentAction,
        chart: ChartRequest,
        state: DeploymentState,
        createAt: Int64,
        startAt: Int64 = 0,
        endAt: Int64 = 0,
        error: String? = nil,
        recovery: RemediationRecord? = nil,
        remediation: RemediationRecord? = nil,
        release: ReleaseInfo? = nil,
        log: [String] = []
    ) {
        self.id = id
        self.clusterID = clusterID
        self.service = service
        self.action = action
        self.chart = chart
        self.state = state
        self.createAt = createAt
        self.startAt = startAt
        self.endAt = endAt
        self.error = error
        self.recovery = recovery
        self.remediation = remediation
        self.release = release
        self.log = log
    }
}
