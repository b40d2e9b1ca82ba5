/// What a rollout's analysis found on one cluster: per check, each evaluation (kept for the
/// chart) and the counts its limits apply to. Stored with the cluster, so a restarted server goes
/// on counting where the last one stopped.
struct ClusterAnalysis: Codable, Sendable, Equatable {
    var checks: [CheckRecord]

    struct CheckRecord: Codable, Sendable, Equatable {
        var name: String
        /// The bound as people read it, e.g. `<= 0.05, at most +20% over the baseline`.
        var bound: String
        var verdict: AnalysisVerdict
        var evaluations: Int
        var failures: Int
        var inconclusive: Int
        /// Why the last evaluation failed or was inconclusive.
        var detail: String?
        /// The latest evaluations, oldest first (at most `ClusterAnalysis.keptPoints`).
        var points: [AnalysisPoint]
    }

    /// Enough for a soak's chart at one evaluation a minute for two hours; the counts go on.
    static let keptPoints = 120

    func check(_ name: String) -> CheckRecord? { checks.first { $0.name == name } }
}

/// One evaluation of one check on one cluster.
struct AnalysisPoint: Codable, Sendable, Equatable {
    var time: Int64
    /// nil: no number (no data, an error, NaN or infinite).
    var value: Double?
    /// What the clusters not yet changed answered (their median); nil: no comparison.
    var baseline: Double?
    var verdict: AnalysisVerdict
}

enum AnalysisVerdict: String, Codable, Sendable, CaseIterable {
    /// Still evaluating, nothing over a limit yet.
    case running
    case passed
    case failed
    /// The query gave no number.
    case inconclusive
}

/// One evaluation of the wave's clusters, as the supervisor read it: what the lifecycle records.
struct AnalysisRound: Sendable, Equatable {
    var wave: Int
    var round: Int
    var time: Int64
    /// By cluster ID, each check's result.
    var results: [String: [CheckResult]]

    struct CheckResult: Sendable, Equatable {
        var name: String
        var value: Double?
        var baseline: Double?
        /// Passed, failed or inconclusive.
        var verdict: AnalysisVerdict
        var detail: String?
    }
}
