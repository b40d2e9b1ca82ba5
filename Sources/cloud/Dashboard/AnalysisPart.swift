/// A rollout analysis on the rollout's page: what it checks, then every judged cluster's checks,
/// failing ones first, each with a chart of its values over the soak beside the baseline's.
struct AnalysisPart: Sendable {
    struct Check: Sendable {
        var clusterID: String
        var cluster: String
        var check: String
        var value: String
        var baseline: String
        var bound: String
        var verdict: String
        var verdictClass: String
        var evaluations: Int
        var detail: String
        var chart: String?
    }

    var description: String
    var failing: [Check]
    var passing: [Check]
    /// Stored, not computed: templates see only what a value stores.
    var hasFailing = false
    var hasPassing = false
    var passingCount = 0

    init(_ analysis: RolloutAnalysis, rollout: Rollout) {
        description =
            "\(analysis.checks.map(\.name).joined(separator: ", ")) every \(analysis.intervalSeconds)s for \(analysis.durationSeconds)s per wave; "
            + "a cluster fails after \(analysis.failureLimit) failed or \(analysis.inconclusiveLimit) inconclusive evaluation(s); on failure: \(analysis.onFailure.rawValue)"
        let checks = rollout.clusters.flatMap { cluster in
            (cluster.analysis?.checks ?? []).map { record in
                Self.check(record, of: cluster, limit: analysis.checks.first { $0.name == record.name }.flatMap { $0.max ?? $0.min })
            }
        }
        failing = checks.filter { $0.verdict == "failed" || $0.verdict == "inconclusive" }
        passing = checks.filter { $0.verdict != "failed" && $0.verdict != "inconclusive" }
        (hasFailing, hasPassing, passingCount) = (!failing.isEmpty, !passing.isEmpty, passing.count)
    }

    private static func check(_ record: ClusterAnalysis.CheckRecord, of cluster: RolloutCluster, limit: Double?) -> Check {
        let last = record.points.last
        let start = record.points.first?.time ?? 0
        let seconds = { (point: AnalysisPoint) in Double(point.time - start) / 1000 }
        let values = record.points.compactMap { point in point.value.map { (x: seconds(point), y: $0) } }
        let baselines = record.points.compactMap { point in point.baseline.map { (x: seconds(point), y: $0) } }
        let chart = SVGChart(limit: limit, title: "\(record.name) on \(cluster.name) over the soak, beside the baseline").render([
            .init(name: "baseline", style: "baseline", points: baselines), .init(name: cluster.name, style: "canary", points: values),
        ])
        return Check(
            clusterID: cluster.clusterID,
            cluster: cluster.name,
            check: record.name,
            value: last?.value.map(RolloutAnalysis.Check.number) ?? "-",
            baseline: last?.baseline.map(RolloutAnalysis.Check.number) ?? "-",
            bound: record.bound,
            verdict: record.verdict.rawValue,
            verdictClass: PageContext.stateClass(record.verdict.rawValue),
            evaluations: record.evaluations,
            detail: record.verdict == .passed ? "" : record.detail ?? "",
            chart: chart
        )
    }
}
