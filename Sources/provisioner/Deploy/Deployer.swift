import Internal

/// Carries out one deployment request for one service. Helm today; a manifest- or operator-based
/// deployer implements the same protocol and the jobs above it do not change.
protocol Deployer: Sendable {
    func run(
        _ request: DeploymentRequest, service: any ThirdPartyService, deadline: ContinuousClock.Instant
    ) async -> ReleaseResult
}
