/// What to do to one service on a cluster: the action, for an apply the chart and values, and
/// whether the chart's tests run after it. The one "what" of a deployment request, a stored
/// deployment, a rollout's target, a retry and a drift correction. The Go tool's JSON carries these
/// fields flat beside the others (`Action`, `Chart`, `Values`, `Test`), so request bodies and
/// deployments keep them so on the wire and convert from and to it.
public struct DeploymentSpec: Codable, Sendable, Hashable {
    public var action: DeploymentAction
    public var chart: ChartRequest?
    public var values: JSONValue?
    /// Values the provisioner fetches from AWS when it applies: references only, never the values.
    public var valuesFrom: [ValueReference]?
    /// Run the chart's tests after the apply; a failed test fails the deployment.
    public var test: Bool?

    public init(
        action: DeploymentAction,
        chart: ChartRequest? = nil,
        values: JSONValue? = nil,
        valuesFrom: [ValueReference]? = nil,
        test: Bool? = nil
    ) {
        self.action = action
        self.chart = chart
        self.values = values
        self.valuesFrom = valuesFrom
        self.test = test
    }

    /// What the change leaves on the cluster: the same with or without a test run.
    public var outcome: DeploymentSpec { DeploymentSpec(action: action, chart: chart, values: values, valuesFrom: valuesFrom) }
}

extension DeploymentRequest {
    /// A request for this change; the kubeconfig and DNS settings are the cluster's, added by whoever sends it.
    public init(id: String? = nil, clusterID: String, service: ServiceName, spec: DeploymentSpec, timeoutSeconds: Int? = nil) {
        self.init(
            id: id,
            clusterID: clusterID,
            service: service,
            action: spec.action,
            chart: spec.chart,
            values: spec.values,
            kubeconfig: "",
            timeoutSeconds: timeoutSeconds,
            test: spec.test
        )
        valuesFrom = spec.valuesFrom
    }
}
