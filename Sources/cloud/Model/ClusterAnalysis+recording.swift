/// How each evaluation adds to a cluster's analysis, and when a check's limits are reached.
extension ClusterAnalysis {
    /// Every check of `analysis`, not yet evaluated.
    init(_ analysis: RolloutAnalysis) {
        checks = analysis.checks.map {
            CheckRecord(name: $0.name, bound: $0.bound, verdict: .running, evaluations: 0, failures: 0, inconclusive: 0, detail: nil, points: [])
        }
    }

    /// Adds one evaluation's results; a check still running passes at the `last` evaluation.
    /// Returns why the cluster fails, when a check reached its failure or inconclusive limit.
    mutating func add(_ results: [AnalysisRound.CheckResult], at time: Int64, _ analysis: RolloutAnalysis, last: Bool) -> String? {
        var failure: String?
        for result in results {
            guard let index = checks.firstIndex(where: { $0.name == result.name }), checks[index].verdict == .running else { continue }
            var check = checks[index]
            check.evaluations += 1
            check.points.append(AnalysisPoint(time: time, value: result.value, baseline: result.baseline, verdict: result.verdict))
            if check.points.count > Self.keptPoints { check.points.removeFirst(check.points.count - Self.keptPoints) }
            switch result.verdict {
            case .failed: check.failures += 1
            case .inconclusive: check.inconclusive += 1
            case .passed, .running: break
            }
            if result.verdict != .passed { check.detail = result.detail }
            if check.failures >= analysis.failureLimit {
                check.verdict = .failed
                failure = failure ?? "check \(check.name) failed \(check.failures) of \(check.evaluations) evaluations: \(check.detail ?? "")"
            } else if check.inconclusive >= analysis.inconclusiveLimit {
                check.verdict = .inconclusive
                failure = failure ?? "check \(check.name) could not be read \(check.inconclusive) times: \(check.detail ?? "")"
            } else if last {
                check.verdict = .passed
            }
            checks[index] = check
        }
        return failure
    }
}
