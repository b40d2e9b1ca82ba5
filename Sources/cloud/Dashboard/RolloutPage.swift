import Foundation

/// A rollout's own page, made to answer "what is wrong, where" at a glance however many clusters
/// it has: per wave a one-line summary with a bar, the failed and running clusters first with
/// their reasons, the settled ones collapsed; the analysis's checks with a chart each; and the
/// clusters done over time, wave by wave.
struct RolloutPage: Sendable {
    struct Wave: Sendable {
        var number: Int
        var summary: String
        var stateClass: String
        /// An SVG bar of the clusters by state.
        var bar: String
        /// Failed and running clusters, with their reasons.
        var problems: [ClusterPart]
        var settled: [ClusterPart]
        var settledSummary: String
        /// Stored, not computed: templates see only what a value stores.
        var hasProblems: Bool
        var hasSettled: Bool
    }

    struct ClusterPart: Sendable {
        var clusterID: String
        var name: String
        var state: String
        var stateClass: String
        var deploymentID: String?
        var reason: String
    }

    /// A failed cluster, with its wave: the top of the page lists every one, whichever wave.
    struct Failure: Sendable {
        var wave: Int
        var cluster: ClusterPart
    }

    var page: PageContext
    var rollout: RolloutSummary
    var failures: [Failure]
    var failuresMore: Int
    /// Stored, as templates see only stored properties; and Mustache takes 0 as true.
    var hasFailures: Bool
    var hasMoreFailures: Bool
    var waves: [Wave]
    var analysis: AnalysisPart?
    /// Clusters done over time, a mark where each wave started, and what it shows in words.
    var progressChart: String?
    var progressCaption: String

    init(_ rollout: Rollout, now: Int64, page: PageContext) {
        self.page = page
        self.rollout = RolloutSummary(rollout, now: now)
        let failed = rollout.clusters.filter { $0.state == .failed }
        failures = failed.prefix(Self.failuresShown).map { Failure(wave: $0.wave + 1, cluster: ClusterPart($0)) }
        failuresMore = max(0, failed.count - Self.failuresShown)
        (hasFailures, hasMoreFailures) = (!failed.isEmpty, failuresMore > 0)
        waves = rollout.waves.indices.map { Self.wave($0, of: rollout, now: now) }
        analysis = rollout.strategy.analysis.map { AnalysisPart($0, rollout: rollout) }
        progressChart = Self.progressChart(rollout, now: now)
        let done = rollout.clusters.count { $0.state.isFinal }
        let seconds = max(0, (rollout.endAt > 0 ? rollout.endAt : now) - rollout.createAt) / 1000
        let took = seconds >= 120 ? "\(seconds / 60) min" : "\(seconds) s"
        progressCaption = "Clusters done over time: \(done) of \(rollout.clusters.count) in \(took); a line where each wave started."
    }

    static let failuresShown = 50

    private static let order: [RolloutClusterState] = [.failed, .running, .succeeded, .skipped, .cancelled, .waiting]

    static func wave(_ index: Int, of rollout: Rollout, now: Int64) -> Wave {
        let clusters = rollout.clusters.filter { $0.wave == index }
        let parts = clusters.map(ClusterPart.init)
        let counts = order.map { state in (state, clusters.count { $0.state == state }) }.filter { $0.1 > 0 }
        var summary = counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
        if let took = duration(of: index, rollout, clusters, now: now) { summary += " · \(took)" }
        let stateClass =
            counts.contains { $0.0 == .failed }
            ? "bad" : counts.contains { $0.0 == .running } ? "run" : counts.allSatisfy { $0.0 == .waiting } ? "off" : "ok"
        let problems = parts.filter { $0.state == "failed" || $0.state == "running" }
        let settled = parts.filter { $0.state != "failed" && $0.state != "running" }
        let settledCounts = counts.filter { $0.0 != .failed && $0.0 != .running }
        return Wave(
            number: index + 1,
            summary: summary,
            stateClass: stateClass,
            bar: SVGChart.bar(counts.map { (PageContext.stateClass($0.0.rawValue), $0.1) }, title: summary),
            problems: problems,
            settled: settled,
            settledSummary: settledCounts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", "),
            hasProblems: !problems.isEmpty,
            hasSettled: !settled.isEmpty
        )
    }

    /// From the wave's start (its history entry) to its last cluster's end, or to now while it runs.
    private static func duration(of index: Int, _ rollout: Rollout, _ clusters: [RolloutCluster], now: Int64) -> String? {
        guard let start = rollout.history.first(where: { $0.state == "wave-started" && $0.detail?.hasPrefix("wave \(index + 1) of") == true })?.time
        else { return nil }
        let end = clusters.allSatisfy(\.state.isFinal) ? clusters.map(\.endAt).max() ?? start : now
        let seconds = max(0, end - start) / 1000
        return seconds >= 120 ? "\(seconds / 60) min" : "\(seconds) s"
    }

    static func progressChart(_ rollout: Rollout, now: Int64) -> String? {
        let ends = rollout.clusters.filter { $0.state.isFinal && $0.endAt > 0 }.map(\.endAt).sorted()
        guard !ends.isEmpty else { return nil }
        let start = rollout.createAt
        var points = [(x: 0.0, y: 0.0)]
        for (index, end) in ends.enumerated() { points.append((x: Double(end - start) / 1000, y: Double(index + 1))) }
        let last = rollout.endAt > 0 ? rollout.endAt : now
        points.append((x: Double(max(last, ends.last!) - start) / 1000, y: Double(ends.count)))
        let marks = rollout.history.filter { $0.state == "wave-started" }.map { Double($0.time - start) / 1000 }
        let chart = SVGChart(width: 600, height: 90, marks: marks, title: "clusters done over time; a line where each wave started")
        return chart.render([.init(name: "clusters done", style: "done", points: points, steps: true)])
    }
}

extension RolloutPage.ClusterPart {
    init(_ cluster: RolloutCluster) {
        self.init(
            clusterID: cluster.clusterID,
            name: cluster.name,
            state: cluster.state.rawValue,
            stateClass: PageContext.stateClass(cluster.state.rawValue),
            deploymentID: cluster.deploymentID,
            reason: cluster.reason ?? ""
        )
    }
}
