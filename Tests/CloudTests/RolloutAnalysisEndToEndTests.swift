import FleetAPI
import Foundation
import HelmDriver
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// Rollouts judged by the fleet's metrics, end to end: the cloud server and provisioners as
/// processes, emulated clusters, and Debian's Prometheus scraping a stand-in workload
/// (`testbed/metrics-exporter`) that reports each cluster's error ratio with a `cluster` label.
/// One at a time: each starts a fleet of its own (four emulators, two provisioners, a cloud
/// server, Prometheus), and six at once starved the rest of a parallel run on two cores.
@Suite("Rollouts judged by metrics", .tags(.integration), .skippedInFastRuns, .serialized)
struct RolloutAnalysisEndToEndTests {
    /// Four clusters at prometheus 25.18.0, each's error ratio exported at 0.01 and scraped.
    final class Setup: Sendable {
        let fleet: RolloutFleet
        let exporter: MetricsExporter
        let prometheus: LocalPrometheus

        /// - Parameter installed: false leaves the clusters empty and Prometheus unscraped.
        init(installed: Bool = true, serverArguments: [String] = []) async throws {
            fleet = try await RolloutFleet(clusters: 4, serverArguments: ["--allowed-metrics-source", "127.0.0.0/8"] + serverArguments)
            exporter = try await MetricsExporter.start(clusters: (0..<4).map { "c\($0)" })
            prometheus = try await LocalPrometheus.start(scratch: fleet.scratch, jobs: ["app": [exporter.target]])
            guard installed else { return }
            let installed = try await fleet.startRollout("25.18.0", ["BatchSize": "100%"])
            #expect(try await fleet.waitFor(installed.id).state == .succeeded)
            let scraped = await eventually(timeout: .seconds(60)) {
                (try? await prometheus.query("count(app_error_ratio)"))?.first?.values == [4]
            }
            #expect(scraped, "Prometheus never scraped the exporter")
        }

        func close() {
            prometheus.stop()
            exporter.stop()
            fleet.close()
        }

        /// `Analysis` over the central Prometheus: the error ratio of the cluster being judged.
        func analysis(_ check: [String: JSONValue], _ changes: [String: JSONValue] = [:]) -> JSONValue {
            var checkBody: [String: JSONValue] = ["Name": "errors", "Query": #"max(app_error_ratio{cluster="{{cluster.name}}"})"#]
            checkBody.merge(check) { $1 }
            let body: [String: JSONValue] = [
                "Prometheus": ["URL": .string(prometheus.baseURL)], "Checks": [.object(checkBody)], "Interval": "1s", "Duration": "3s",
            ]
            return .object(body.merging(changes) { $1 })
        }

        /// Canary c0, then the rest in one wave.
        func rollout(_ analysis: JSONValue) async throws -> Rollout {
            try await fleet.startRollout("25.19.0", ["Canary": 1, "BatchSize": "100%", "Analysis": analysis])
        }

        func charts(_ index: Int) async throws -> [String] { try await fleet.history(index).map(\.chart) }
    }

    @Test("a canary whose error rate rises fails its check after failureLimit evaluations; the rollout undoes itself, said by events")
    func failingCanaryUndone() async throws {
        let setup = try await Setup()
        defer { setup.close() }
        try await setup.exporter.set("c0", 0.2)
        let rollout = try await setup.rollout(setup.analysis(["Max": .number(0.05)], ["FailureLimit": 2, "OnFailure": "undo"]))

        let failed = try await setup.fleet.waitFor(rollout.id) { $0.rollout.state.isFinal }
        #expect(failed.state == .failed)
        #expect(failed.clusters.map(\.state) == [.failed, .cancelled, .cancelled, .cancelled])
        let reason = failed.clusters[0].reason ?? ""
        #expect(reason.hasPrefix("analysis: check errors failed 2 of 2 evaluations: 0.2 is over the maximum 0.05"), "\(reason)")
        let check = try #require(failed.clusters[0].analysis?.checks.first)
        #expect(check.verdict == .failed && check.points.map(\.value) == [0.2, 0.2] && check.bound == "<= 0.05")
        let undoID = try #require(failed.undoneBy)
        #expect(try await setup.fleet.waitFor(undoID).state == .succeeded)
        #expect(try await setup.charts(0) == ["prometheus-25.18.0", "prometheus-25.19.0", "prometheus-25.18.0"])
        for index in 1..<4 { #expect(try await setup.charts(index) == ["prometheus-25.18.0"], "c\(index) was touched") }
        let events = try await setup.fleet.send("GET", "/api/events?after=0&types=analysis.failed,rollout.undone").decode(EventRoutes.Batch.self)
            .events
        #expect(Set(events.map(\.type)) == ["analysis.failed", "rollout.undone"])
        #expect(events.first { $0.type == "analysis.failed" }?.clusterID == setup.fleet.clusters[0].id)
    }

    @Test("a baseline that rises with the canary does not halt it: the wave passes its analysis and the rollout goes on")
    func fleetWideRiseIsNotTheChange() async throws {
        let setup = try await Setup()
        defer { setup.close() }
        try await setup.exporter.set("*", 0.5)
        _ = await eventually(timeout: .seconds(30)) { (try? await setup.prometheus.query("min(app_error_ratio)"))?.first?.values == [0.5] }
        let rollout = try await setup.rollout(setup.analysis(["CompareToBaseline": ["MaxIncreaseRatio": .number(0.2)]]))

        let done = try await setup.fleet.waitFor(rollout.id)
        #expect(done.state == .succeeded)
        let check = try #require(done.clusters[0].analysis?.checks.first)
        #expect(check.verdict == .passed && check.evaluations == 3 && check.failures == 0)
        #expect(check.points.allSatisfy { $0.value == 0.5 && $0.baseline == 0.5 })
        #expect(check.bound == "at most +20% vs baseline")
        // The last wave has no unchanged cluster left to compare with: its clusters pass on the bounds they have.
        #expect(done.clusters[1].analysis?.checks.first?.points.first?.baseline == nil)
        #expect(done.clusters[1].analysis?.checks.first?.verdict == .passed)
        for index in 0..<4 { #expect(try await setup.charts(index).last == "prometheus-25.19.0") }
    }

    @Test("Prometheus stopped mid-analysis makes the checks inconclusive, and past the limit they fail the cluster")
    func prometheusGoneIsInconclusive() async throws {
        let setup = try await Setup()
        defer { setup.close() }
        let rollout = try await setup.rollout(setup.analysis(["Max": .number(0.05)], ["InconclusiveLimit": 2]))
        setup.prometheus.stop()

        let halted = try await setup.fleet.waitFor(rollout.id)
        #expect(halted.state == .halted)
        #expect(halted.clusters[0].state == .failed)
        let reason = halted.clusters[0].reason ?? ""
        #expect(reason.hasPrefix("analysis: check errors could not be read 2 times: Prometheus did not answer"), "\(reason)")
        #expect(halted.clusters[0].analysis?.checks.first?.verdict == .inconclusive)
        for index in 1..<4 { #expect(try await setup.charts(index) == ["prometheus-25.18.0"]) }
    }

    @Test("a cloud server killed mid-analysis resumes the evaluations it owes, none recorded twice")
    func restartResumesAnalysis() async throws {
        let setup = try await Setup()
        defer { setup.close() }
        let rollout = try await setup.rollout(setup.analysis(["Max": .number(0.05)], ["Duration": "6s"]))
        try await setup.fleet.waitFor(rollout.id) { ($0.rollout.clusters[0].analysis?.checks.first?.evaluations ?? 0) >= 1 }
        try await setup.fleet.killServer(0, restart: true)

        let done = try await setup.fleet.waitFor(rollout.id)
        #expect(done.state == .succeeded)
        let check = try #require(done.clusters[0].analysis?.checks.first)
        #expect(check.evaluations == 6 && check.points.count == 6 && check.verdict == .passed, "\(check)")
    }

    @Test("a malformed query is refused when the rollout is created, with Prometheus's own parse error")
    func malformedQueryRefused() async throws {
        let setup = try await Setup(installed: false)
        defer { setup.close() }
        let reply = try await setup.fleet.send(
            "POST",
            "/api/rollouts",
            [
                "Service": "prometheus", "Chart": ["Version": "25.19.0"], "All": true,
                "Analysis": setup.analysis(["Query": "max(app_error_ratio", "Max": 1]),
            ]
        )
        #expect(reply.status == 400)
        #expect(reply.error?.field == "Analysis.Checks[0].Query")
        #expect(reply.error?.error.contains("parse error") == true, "\(reply.text)")
        #expect(try await setup.fleet.send("GET", "/api/rollouts?state=running").decode([RolloutPrinter.View].self).isEmpty)
    }
}
