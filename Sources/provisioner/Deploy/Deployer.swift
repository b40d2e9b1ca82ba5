import FleetAPI

/// Carries out one deployment request for one service, by one `DeploymentStrategy`. Helm today; a
/// manifest- or operator-based deployer implements the same protocol and the jobs above it do not
/// change.
protocol Deployer: Sendable {
    /// The strategy whose services it deploys.
    var kind: DeploymentStrategy.Kind { get }

    /// - Parameter timeout: the deadline is this long from now; it also bounds how long an earlier
    ///   attempt at the same deployment may still hold the release.
    /// - Parameter events: told what the deployment waits for, as it waits.
    /// - Parameter kubeconfig: the request's own kubeconfig as the API's validation parsed and
    ///   checked it, so it is not parsed twice; nil when it comes from elsewhere (S3, Secrets
    ///   Manager, EKS) and is first seen by the deployer.
    func run(
        _ request: DeploymentRequest,
        service: any ThirdPartyService,
        timeout: Duration,
        events: DeploymentEvents,
        kubeconfig: Kubeconfig?
    ) async -> DeploymentResult

    /// Drift checks of several releases of one cluster, each as a `check` deployment would answer
    /// it, in the order given (the releases are all of services this deployer deploys; none: only
    /// the version is asked), and the cluster's Kubernetes version, read on the same connection.
    func check(_ checks: DriftChecks) async -> DriftCheckResults

    /// The chart versions of `service` it can deploy; `refresh` reads their source again first
    /// (a version published since the last read), at most once a minute.
    func versions(of service: any ThirdPartyService, refresh: Bool) async throws(DeploymentFailure) -> ChartVersions
}

extension Deployer {
    func run(
        _ request: DeploymentRequest,
        service: any ThirdPartyService,
        timeout: Duration,
        events: DeploymentEvents = DeploymentEvents()
    ) async -> DeploymentResult {
        await run(request, service: service, timeout: timeout, events: events, kubeconfig: nil)
    }
}
