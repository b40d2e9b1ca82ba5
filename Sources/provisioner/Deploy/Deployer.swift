import Internal

/// Carries out one deployment request for one service, by one `DeploymentStrategy`. Helm today; a
/// manifest- or operator-based deployer implements the same protocol and the jobs above it do not
/// change.
protocol Deployer: Sendable {
    var strategy: DeploymentStrategy { get }

    /// - Parameter timeout: the deadline is this long from now; it also bounds how long an earlier
    ///   attempt at the same deployment may still hold the release.
    /// - Parameter events: told what the deployment waits for, as it waits.
    func run(
        _ request: DeploymentRequest,
        service: any ThirdPartyService,
        timeout: Duration,
        events: DeploymentEvents
    ) async -> DeploymentResult
}

extension Deployer {
    func run(_ request: DeploymentRequest, service: any ThirdPartyService, timeout: Duration) async -> DeploymentResult {
        await run(request, service: service, timeout: timeout, events: DeploymentEvents())
    }
}
