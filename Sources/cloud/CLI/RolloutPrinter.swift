import FleetAPI
import Foundation
import ServerSupport

/// How the CLI shows rollouts: the server's JSON as it is, or tables and one-line progress for people.
enum RolloutPrinter {
    /// A rollout as `GET /api/rollout/{id}` answers it (its waves counted from 1).
    struct View: Decodable {
        var rollout: Rollout
        var counts: RolloutReport.Counts
        var currentWave: Int
        var waveCount: Int
        var etaSeconds: Int64?

        enum CodingKeys: String, CodingKey {
            case counts
            case currentWave
            case waveCount
            case etaSeconds
        }

        init(from decoder: any Decoder) throws {
            rollout = try Rollout(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            counts = try container.decode(RolloutReport.Counts.self, forKey: .counts)
            currentWave = try container.decode(Int.self, forKey: .currentWave)
            waveCount = try container.decode(Int.self, forKey: .waveCount)
            etaSeconds = try container.decodeIfPresent(Int64.self, forKey: .etaSeconds)
        }
    }

    static func print(_ data: Data, output: OutputFormat) throws {
        guard output == .table else { return try output.print(data) }
        let view = try WireJSON.decoder().decode(View.self, from: data)
        let rollout = view.rollout
        Swift.print("Rollout \(rollout.id): \(rollout.service) \(describe(rollout.target)) on \(rollout.selection)")
        Swift.print(progress(view))
        if let error = rollout.error { Swift.print("Error: \(error)") }
        Swift.print("")
        // The digest column only where one was recorded, shortened as image digests are shown.
        let digests = rollout.clusters.contains { $0.chartDigest != nil }
        Printer.table(
            ["CLUSTER", "NAME", "WAVE", "STATE", "DEPLOYMENT"] + (digests ? ["CHART DIGEST"] : []) + ["REASON"],
            rollout.clusters.map {
                [$0.clusterID, $0.name, "\($0.wave)", $0.state.rawValue, $0.deploymentID ?? ""]
                    + (digests ? [$0.chartDigest.map { String($0.prefix("sha256:".count + 12)) } ?? ""] : []) + [$0.reason ?? ""]
            }
        )
        if let analysis = rollout.strategy.analysis { printAnalysis(analysis, of: rollout) }
        Swift.print("")
        Printer.table(
            ["TIME", "STATE", "CLUSTER", "DETAIL"],
            rollout.history.map { [Tables.time($0.time), $0.state, $0.clusterID ?? "", $0.detail ?? ""] }
        )
    }

    /// What the analysis is, then each judged cluster's checks: the last value (and the
    /// baseline's), the bound, the verdict and how many evaluations it took.
    private static func printAnalysis(_ analysis: RolloutAnalysis, of rollout: Rollout) {
        Swift.print("")
        Swift.print(
            "Analysis: \(analysis.checks.count) check(s) every \(analysis.intervalSeconds)s for \(analysis.durationSeconds)s per wave; "
                + "a cluster fails after \(analysis.failureLimit) failed or \(analysis.inconclusiveLimit) inconclusive evaluation(s); "
                + "on failure: \(analysis.onFailure.rawValue)\(rollout.undoneBy.map { " (undone by rollout \($0))" } ?? "")"
        )
        let rows = rollout.clusters.flatMap { cluster in
            (cluster.analysis?.checks ?? []).map { check in
                let last = check.points.last
                return [
                    cluster.name, check.name, last?.value.map(RolloutAnalysis.Check.number) ?? "-",
                    last?.baseline.map(RolloutAnalysis.Check.number) ?? "-", check.bound, check.verdict.rawValue, "\(check.evaluations)",
                    check.verdict == .passed ? "" : check.detail ?? "",
                ]
            }
        }
        guard !rows.isEmpty else { return }
        Swift.print("")
        Printer.table(["CLUSTER", "CHECK", "VALUE", "BASELINE", "BOUND", "VERDICT", "EVALUATIONS", "DETAIL"], rows)
    }

    static func list(_ views: [View]) {
        Printer.table(
            ["ID", "SERVICE", "TARGET", "STATE", "WAVE", "SUCCEEDED", "FAILED", "RUNNING", "WAITING", "SKIPPED", "CREATED"],
            views.map { view in
                let rollout = view.rollout
                return [
                    rollout.id, rollout.service.rawValue, describe(rollout.target), rollout.state.rawValue,
                    "\(view.currentWave)/\(view.waveCount)", "\(view.counts.succeeded)", "\(view.counts.failed)",
                    "\(view.counts.running)", "\(view.counts.waiting)", "\(view.counts.skipped)", Tables.time(rollout.createAt),
                ]
            }
        )
    }

    /// One line: state, wave, counts and the time left.
    static func progress(_ view: View) -> String {
        let counts = view.counts
        var line =
            "\(view.rollout.state.rawValue): wave \(view.currentWave)/\(view.waveCount), "
            + "\(counts.succeeded) succeeded, \(counts.failed) failed, \(counts.running) running, "
            + "\(counts.waiting) waiting, \(counts.skipped) skipped"
        if counts.cancelled > 0 { line += ", \(counts.cancelled) cancelled" }
        if let eta = view.etaSeconds { line += ", about \(GoDuration.format(.seconds(eta))) left" }
        return line
    }

    /// A bar of `width` cells for the clusters that are done.
    static func bar(_ view: View, width: Int = 30) -> String {
        let total = max(view.rollout.clusters.count, 1)
        let done = view.rollout.clusters.count { $0.state.isFinal }
        let filled = done * width / total
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(done)/\(total)"
    }

    static func describe(_ target: DeploymentSpec) -> String {
        target.action == .apply ? "to \(target.chart?.version ?? "its default")" : target.action.rawValue
    }
}
