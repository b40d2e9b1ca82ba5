import FleetAPI

@testable import cloud

extension Deployment {
    /// A deployment as a provisioner holds it: dispatched to `http://p1` as attempt 1 and running.
    static func running(cluster: String, service: ServiceName, action: DeploymentAction = .apply, chart: ChartRequest?) -> Deployment {
        var deployment = Deployment.requested(
            clusterID: cluster,
            service: service,
            spec: DeploymentSpec(action: action, chart: chart, values: nil),
            timeoutSeconds: nil,
            now: 1
        )
        deployment.state = .running
        deployment.attempts = 1
        deployment.provisioner = "http://p1"
        deployment.provisionerDeploymentID = DeploymentLifecycle.attemptID(of: deployment.id, attempt: 1)
        return deployment
    }
}
