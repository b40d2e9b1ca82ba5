import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

extension DashboardTests {
    /// A rollout over `count` clusters in waves of 10 whose first wave ended as `states` say, its
    /// first cluster's analysis recorded with `value` at each of three evaluations.
    func rolloutWithAnalysis(clusters count: Int, failing: Set<Int>, value: Double) async throws -> Rollout {
        for index in 0..<count { _ = try await register("edge-\(index)") }
        let analysis: JSONValue = [
            "Prometheus": ["URL": "http://10.0.0.1:9090"], "Checks": [["Name": "errors", "Query": "max(app_error_ratio)", "Max": 1]],
        ]
        let body = try WireJSON.encoder().encode([
            "Service": JSONValue.string("prometheus"), "Chart": ["Version": "25.18.0"], "All": true, "BatchSize": "10", "Analysis": analysis,
        ])
        let created = try await router.request(.post, "/api/rollouts", body: body, token: Self.admin).decode(RolloutPrinter.View.self).rollout
        return try await store.updateRollout(created.id, gatheringFacts: false, audit: nil) { rollout, _ in
            rollout.wave = 0
            rollout.history.append(RolloutHistoryEntry(time: rollout.createAt, state: "wave-started", detail: "wave 1 of \(rollout.waves.count)"))
            for index in rollout.clusters.indices where rollout.clusters[index].wave == 0 {
                rollout.clusters[index].state = failing.contains(index) ? .failed : .succeeded
                rollout.clusters[index].endAt = rollout.createAt + Int64(index + 1) * 1000
                if failing.contains(index) { rollout.clusters[index].reason = "helm upgrade: timed out waiting for the condition" }
            }
            var record = ClusterAnalysis(rollout.strategy.analysis!)
            for round in 1...3 {
                let check = rollout.strategy.analysis!.checks[0]
                _ = record.add(
                    [check.judge(value, baseline: nil)],
                    at: rollout.createAt + Int64(round) * 1000,
                    rollout.strategy.analysis!,
                    last: false
                )
            }
            rollout.clusters[1].analysis = record
            return RolloutWrites()
        }
    }

    @Test("a rollout page leads each wave with a summary and bar, failed clusters first with their reasons, the rest collapsed")
    func rolloutPageAtScale() async throws {
        let rollout = try await rolloutWithAnalysis(clusters: 30, failing: [7], value: 0.5)
        let text = try await page("/ui/rollout/\(rollout.id)").text

        #expect(text.contains("Wave 1 <small>1 failed, 9 succeeded · 10 s</small>"), "\(text)")
        #expect(text.contains("Wave 2 <small>10 waiting</small>"))
        let problems = try #require(text.range(of: "<table class=\"problems\">"))
        let failed = try #require(text.range(of: "edge-7</a>"))
        #expect(problems.lowerBound < failed.lowerBound && text.contains("helm upgrade: timed out waiting for the condition"))
        #expect(text.contains("<details><summary>9 succeeded</summary>"))
        #expect(text.contains("<svg class=\"bar\""), "the bar is drawn in SVG: the CSP allows no inline style")
        #expect(!text.contains("style=\""))
        #expect(text.contains("<figure class=\"progress-chart\"><svg class=\"chart\""), "clusters done over time")
    }

    @Test("a rollout page shows each judged cluster's checks with a server-drawn chart of the soak, failing ones first")
    func rolloutPageAnalysis() async throws {
        let rollout = try await rolloutWithAnalysis(clusters: 3, failing: [], value: 2)
        let text = try await page("/ui/rollout/\(rollout.id)").text

        let section = try #require(text.range(of: "<section class=\"analysis\" id=\"analysis\">"))
        let failing = try #require(text.range(of: "<table class=\"checks failing\">"))
        #expect(section.lowerBound < failing.lowerBound)
        #expect(text.contains("<td>errors</td><td>2</td><td>-</td><td>&lt;= 1</td>"), "value, no baseline, the bound escaped")
        #expect(text.contains("2 is over the maximum 1"))
        #expect(text.contains("<polyline class=\"canary\""), "the values over the soak")
        #expect(text.contains("<line class=\"limit\""), "the bound across the chart")
    }
}
