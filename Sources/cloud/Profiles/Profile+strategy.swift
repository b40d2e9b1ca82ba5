import FleetAPI
import ServerSupport

extension Profile.Strategy {
    /// The strategy as a rollout takes it, checked by the rules of `POST /api/rollouts`.
    func rolloutStrategy(service: ServiceName) throws(APIError) -> RolloutStrategy {
        try RolloutRequest(
            service: service,
            chart: ChartRequest(version: "0"),
            canary: canary,
            batchSize: batchSize,
            maxFailures: maxFailures,
            soakSeconds: soakSeconds,
            timeoutSeconds: timeoutSeconds,
            approval: approval,
            test: test ? true : nil,
            retries: retries,
            retryBackoffSeconds: retryBackoffSeconds
        ).validated().strategy
    }
}
