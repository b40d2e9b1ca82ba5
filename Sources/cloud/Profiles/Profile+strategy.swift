import FleetAPI
import ServerSupport

extension Profile.Strategy {
    /// The strategy as a rollout takes it, checked by the rules of `POST /api/rollouts`; an
    /// analysis's token is checked against `metricsTokens` when they are given.
    func rolloutStrategy(service: ServiceName, metricsTokens: Set<String>? = nil) throws(APIError) -> RolloutStrategy {
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
            retryBackoffSeconds: retryBackoffSeconds,
            analysis: analysis
        ).validated(metricsTokens: metricsTokens).strategy
    }
}
