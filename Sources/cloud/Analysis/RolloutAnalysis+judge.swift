import Foundation

/// How one check judges what a cluster's Prometheus answered: pure, so a verdict is the same
/// whichever server reads the numbers.
extension RolloutAnalysis.Check {
    /// Whether a higher value is the worse one: as `compareToBaseline` says, else as the bounds
    /// suggest (only a `min`: lower is worse).
    var higherIsWorse: Bool { compareToBaseline?.higherIsWorse ?? (max != nil || min == nil) }

    /// The one number a query's series stand for: the worst of them. Nil (with why) for no data
    /// or a value that is not a number.
    func value(of samples: [PrometheusClient.Sample]) -> (value: Double?, why: String?) {
        let values = samples.map(\.value)
        guard !values.isEmpty else { return (nil, "no data: the query matched no series") }
        guard let bad = values.first(where: { !$0.isFinite }) else {
            return ((higherIsWorse ? values.max() : values.min()), nil)
        }
        return (nil, "the query answered \(bad), not a number")
    }

    func judge(_ value: Double?, baseline: Double?, why: String? = nil) -> AnalysisRound.CheckResult {
        func result(_ verdict: AnalysisVerdict, _ detail: String?) -> AnalysisRound.CheckResult {
            AnalysisRound.CheckResult(name: name, value: value, baseline: baseline, verdict: verdict, detail: detail)
        }
        guard let value else { return result(.inconclusive, why ?? "no data") }
        if let max, value > max { return result(.failed, "\(Self.number(value)) is over the maximum \(Self.number(max))") }
        if let min, value < min { return result(.failed, "\(Self.number(value)) is under the minimum \(Self.number(min))") }
        if let compare = compareToBaseline, let baseline {
            let worse = higherIsWorse ? value - baseline : baseline - value
            let direction = higherIsWorse ? "above" : "below"
            if let allowed = compare.maxIncrease, worse > allowed {
                return result(
                    .failed,
                    "\(Self.number(value)) is \(Self.number(worse)) \(direction) the baseline's \(Self.number(baseline)), more than \(Self.number(allowed))"
                )
            }
            // A ratio of a zero baseline allows nothing worse.
            if let ratio = compare.maxIncreaseRatio, worse > abs(baseline) * ratio {
                return result(
                    .failed,
                    "\(Self.number(value)) is \(direction) the baseline's \(Self.number(baseline)) by more than \(Self.percent(ratio))"
                )
            }
        }
        return result(.passed, nil)
    }

    /// The bound as people read it: `<= 0.05`, `>= 10`, `at most +0.01 over the baseline`.
    var bound: String {
        var parts: [String] = []
        if let min { parts.append(">= \(Self.number(min))") }
        if let max { parts.append("<= \(Self.number(max))") }
        if let compare = compareToBaseline {
            let sign = higherIsWorse ? "+" : "-"
            if let allowed = compare.maxIncrease { parts.append("at most \(sign)\(Self.number(allowed)) vs baseline") }
            if let ratio = compare.maxIncreaseRatio { parts.append("at most \(sign)\(Self.percent(ratio)) vs baseline") }
        }
        return parts.joined(separator: ", ")
    }

    static func number(_ value: Double) -> String { String(format: "%g", value) }
    static func percent(_ ratio: Double) -> String { String(format: "%g%%", ratio * 100) }
}
