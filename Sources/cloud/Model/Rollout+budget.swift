/// What a rollout's strategy allows, counted over its clusters.
extension Rollout {
    var failures: Int { clusters.count { $0.state == .failed } }
    /// How many clusters may fail before the rollout halts.
    var budget: Int { strategy.maxFailures.count(of: clusters.count, roundingUp: false) }
    var hasCanaryWave: Bool { strategy.hasCanaryWave }
}

extension RolloutStrategy {
    var hasCanaryWave: Bool { canaries > 0 || !canaryClusters.isEmpty }
}
