import FleetAPI
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// A wave's soak with an analysis: when evaluations are due, what they record, when a cluster
/// fails its checks, and the automatic undo.
extension RolloutLifecycleTests {
    static func analysis(
        failureLimit: Int = 2,
        inconclusiveLimit: Int = 3,
        onFailure: RolloutAnalysis.OnFailure = .halt,
        compare: RolloutAnalysis.Baseline? = nil
    ) -> RolloutAnalysis {
        RolloutAnalysis(
            prometheus: .init(url: "http://127.0.0.1:9090"),
            checks: [.init(name: "errors", query: "max(app_error_ratio)", max: compare == nil ? 0.05 : nil, compareToBaseline: compare)],
            intervalSeconds: 10,
            durationSeconds: 30,
            failureLimit: failureLimit,
            inconclusiveLimit: inconclusiveLimit,
            onFailure: onFailure
        )
    }

    /// A rollout with `analysis` whose canary wave (c1) has just ended well: it soaks.
    mutating func soakingCanary(_ analysis: RolloutAnalysis, clusters: Int = 4, maxFailures: Int = 0) throws -> Rollout {
        var rollout = try make(clusters: clusters, maxFailures: .clusters(maxFailures))
        rollout.strategy.analysis = analysis
        _ = try advance(&rollout)
        endWave(rollout)
        _ = try advance(&rollout)
        return rollout
    }

    /// The round the lifecycle asks for, answered with `value` (nil: no data) for every cluster.
    mutating func evaluate(_ rollout: inout Rollout, _ value: Double?, baseline: Double? = nil) throws -> RolloutLifecycle.Decision {
        guard let (_, request) = lifecycle.analysisDue(rollout), let check = rollout.strategy.analysis?.checks.first else {
            Issue.record("no evaluation is due")
            return .init()
        }
        let results = Dictionary(uniqueKeysWithValues: request.clusters.map { ($0, [check.judge(value, baseline: baseline)]) })
        let round = AnalysisRound(wave: request.wave, round: request.round, time: clock.millisecondsSince1970, results: results)
        return try lifecycle.apply(.evaluated(round), to: &rollout)
    }

    func evaluations(_ decision: RolloutLifecycle.Decision) -> [RolloutLifecycle.AnalysisRequest] {
        decision.actions.compactMap { if case .evaluate(let request) = $0 { request } else { nil } }
    }

    @Test("a wave with an analysis soaks for its duration even without a soak, and owes one evaluation per interval")
    mutating func analysisSoaks() throws {
        var rollout = try soakingCanary(Self.analysis())
        #expect(rollout.state == .soaking)
        #expect(rollout.soakUntil == clock.millisecondsSince1970 + 30_000)
        #expect(rollout.history.last?.detail == "wave 1 soaks for 30s, its metrics judged every 10s")
        #expect(lifecycle.analysisDue(rollout)?.at == clock.millisecondsSince1970 + 10_000)
        #expect(rollout.nextWake(lifecycle: lifecycle) == clock.millisecondsSince1970 + 10_000)
        #expect(evaluations(try advance(&rollout)).isEmpty, "not due yet")

        clock.advance(by: .seconds(10))
        #expect(evaluations(try advance(&rollout)) == [.init(wave: 0, round: 1, clusters: ["c1"], baseline: [])])
    }

    @Test("a healthy wave passes every evaluation, then is re-checked and the next wave starts")
    mutating func healthyWavePasses() throws {
        var rollout = try soakingCanary(Self.analysis())
        for _ in 1...3 {
            clock.advance(by: .seconds(10))
            _ = try evaluate(&rollout, 0.01)
        }
        let check = try #require(rollout.clusters[0].analysis?.checks.first)
        #expect(check.verdict == .passed && check.evaluations == 3 && check.failures == 0 && check.points.count == 3)
        #expect(check.bound == "<= 0.05")
        #expect(lifecycle.analysisDue(rollout) == nil)
        let decision = try advance(&rollout)
        #expect(decision.actions == [.recheck(clusters: ["c1"])])
        _ = try lifecycle.apply(.rechecked(problems: [:]), to: &rollout)
        #expect(rollout.analysis == nil)
        #expect(try advance(&rollout).writes.deployments.map(\.clusterID) == ["c2", "c3"])
    }

    @Test("a cluster failing a check failureLimit times fails, naming the check and the value, and halts the rollout")
    mutating func failingCheckHalts() throws {
        var rollout = try soakingCanary(Self.analysis(failureLimit: 2))
        clock.advance(by: .seconds(10))
        _ = try evaluate(&rollout, 0.2)
        #expect(rollout.clusters[0].state == .succeeded && rollout.state == .soaking)
        clock.advance(by: .seconds(10))
        _ = try evaluate(&rollout, 0.3)

        #expect(rollout.clusters[0].state == .failed)
        #expect(rollout.clusters[0].reason == "analysis: check errors failed 2 of 2 evaluations: 0.3 is over the maximum 0.05")
        #expect(rollout.clusters[0].analysis?.checks.first?.points.map(\.value) == [0.2, 0.3])
        #expect(rollout.state == .halted)
        #expect(FleetEvent.rolloutChanged(from: try soakingCanary(Self.analysis()), to: rollout).map(\.type).contains("analysis.failed"))
    }

    @Test("a failure within the budget fails only that cluster; the rollout goes on after the soak")
    mutating func failureWithinBudget() throws {
        var rollout = try soakingCanary(Self.analysis(failureLimit: 1), maxFailures: 1)
        clock.advance(by: .seconds(10))
        _ = try evaluate(&rollout, 0.2)
        #expect(rollout.clusters[0].state == .failed && rollout.state == .soaking)
        #expect(lifecycle.analysisDue(rollout) == nil, "no judged cluster is left")
        clock.advance(by: .seconds(20))
        #expect(try advance(&rollout).actions == [.recheck(clusters: [])])
    }

    @Test("queries without data are inconclusive, and past the limit fail the cluster")
    mutating func inconclusiveFails() throws {
        var rollout = try soakingCanary(Self.analysis(inconclusiveLimit: 2))
        clock.advance(by: .seconds(10))
        _ = try evaluate(&rollout, nil)
        #expect(rollout.clusters[0].analysis?.checks.first?.verdict == .running)
        clock.advance(by: .seconds(10))
        _ = try evaluate(&rollout, nil)
        #expect(rollout.clusters[0].analysis?.checks.first?.verdict == .inconclusive)
        #expect(rollout.clusters[0].reason == "analysis: check errors could not be read 2 times: no data")
        #expect(rollout.state == .halted)
    }

    @Test("an evaluation answered twice, or for another round, is recorded once")
    mutating func repeatedRoundIgnored() throws {
        var rollout = try soakingCanary(Self.analysis())
        clock.advance(by: .seconds(10))
        let request = try #require(lifecycle.analysisDue(rollout)?.request)
        let round = AnalysisRound(
            wave: 0,
            round: request.round,
            time: 1,
            results: ["c1": [AnalysisRound.CheckResult(name: "errors", value: 0.01, verdict: .passed)]]
        )
        _ = try lifecycle.apply(.evaluated(round), to: &rollout)
        _ = try lifecycle.apply(.evaluated(round), to: &rollout)
        #expect(rollout.clusters[0].analysis?.checks.first?.evaluations == 1)
        #expect(rollout.analysis?.rounds == 1)
    }

    @Test("a check comparing to the baseline asks for unchanged clusters and fails only on more than the allowed increase")
    mutating func baselineComparison() throws {
        var rollout = try soakingCanary(Self.analysis(failureLimit: 1, compare: .init(maxIncrease: 0.01)))
        clock.advance(by: .seconds(10))
        #expect(lifecycle.analysisDue(rollout)?.request.baseline == ["c2", "c3", "c4"])
        _ = try evaluate(&rollout, 0.5, baseline: 0.495)
        #expect(rollout.clusters[0].state == .succeeded, "as bad as the baseline: a fleet-wide incident")
        #expect(rollout.clusters[0].analysis?.checks.first?.points.first?.baseline == 0.495)
        clock.advance(by: .seconds(10))
        _ = try evaluate(&rollout, 0.5, baseline: 0.1)
        #expect(rollout.clusters[0].state == .failed)
        #expect(rollout.clusters[0].reason?.contains("0.4 above the baseline's 0.1, more than 0.01") == true)
    }

    @Test("onFailure undo: once halted, the next advance fails the rollout and writes the rollout that brings the changed clusters back")
    mutating func undoOnFailure() throws {
        var rollout = try soakingCanary(Self.analysis(failureLimit: 1, onFailure: .undo))
        clock.advance(by: .seconds(10))
        #expect(try evaluate(&rollout, 0.9).actions == [.advanceSoon], "a pass comes at once")
        #expect(rollout.state == .halted)
        let decision = try lifecycle.apply(.advance(RolloutLifecycle.Facts()), to: &rollout)

        #expect(rollout.state == .failed)
        let undo = try #require(decision.writes.rollouts.first)
        #expect(rollout.undoneBy == undo.id && undo.undoes == rollout.id)
        #expect(undo.clusters.map(\.clusterID) == ["c1"])
        #expect(undo.cluster("c1")?.target == DeploymentSpec(action: .apply, chart: ChartRequest(version: "4.15.1")))
        #expect(undo.strategy.analysis == nil && undo.strategy.approval == .none)
        #expect(rollout.clusters.dropFirst().allSatisfy { $0.state == .cancelled })
        #expect(rollout.error == "halted: 1 cluster(s) failed, over the budget of 0; undone by rollout \(undo.id)")
        #expect(decision.actions.contains(.dispatchSoon))
        let events = FleetEvent.rolloutChanged(from: try soakingCanary(Self.analysis(failureLimit: 1, onFailure: .undo)), to: rollout)
        #expect(events.map(\.type).contains("rollout.undone"))
    }

    @Test("the last wave is judged too: it soaks for the analysis (not for soakSeconds) before the rollout succeeds")
    mutating func lastWaveJudged() throws {
        var rollout = try make(clusters: 2, soak: 600)
        rollout.strategy.analysis = Self.analysis()
        _ = try advance(&rollout)
        endWave(rollout)
        _ = try advance(&rollout)
        clock.advance(by: .seconds(600))
        _ = try lifecycle.apply(.rechecked(problems: [:]), to: &rollout)
        _ = try advance(&rollout)
        endWave(rollout)
        _ = try advance(&rollout)

        #expect(rollout.state == .soaking && rollout.wave == 1)
        #expect(rollout.soakUntil == clock.millisecondsSince1970 + 30_000)
        for _ in 1...3 {
            clock.advance(by: .seconds(10))
            _ = try evaluate(&rollout, 0.01)
        }
        _ = try lifecycle.apply(.rechecked(problems: [:]), to: &rollout)
        #expect(rollout.state == .succeeded)
        #expect(rollout.clusters[1].analysis?.checks.first?.verdict == .passed)
    }

    @Test("an undo holds the profile targets the rollout carried out at their revision, and no others")
    mutating func undoHoldsProfileTargets() throws {
        var rollout = try soakingCanary(Self.analysis(failureLimit: 1, onFailure: .undo))
        clock.advance(by: .seconds(10))
        _ = try evaluate(&rollout, 0.9)
        let mine = ProfileTarget(clusterID: "c1", service: "nginx", profile: "edge", revision: 4, onLeave: .keep, rolloutID: rollout.id)
        var other = mine
        (other.clusterID, other.rolloutID) = ("c2", "another")
        let decision = try lifecycle.apply(.advance(RolloutLifecycle.Facts(profileTargets: [mine, other])), to: &rollout)

        var held = mine
        held.held = ProfileTarget.Held(
            revision: 4,
            rolloutID: rollout.id,
            undoneBy: try #require(rollout.undoneBy),
            reason: "halted: 1 cluster(s) failed, over the budget of 0"
        )
        #expect(decision.writes.profileTargets == [.set(held)])
    }

    @Test("the judge takes the worst series, and a value that is not a number is inconclusive")
    func judgeReadsSamples() {
        let check = RolloutAnalysis.Check(name: "errors", query: "x", max: 0.05)
        let samples = [0.01, 0.2].map { PrometheusClient.Sample(labels: [:], value: $0) }
        #expect(check.value(of: samples).value == 0.2)
        #expect(check.value(of: []).why == "no data: the query matched no series")
        #expect(check.value(of: [.init(labels: [:], value: .nan)]).value == nil)
        let throughput = RolloutAnalysis.Check(name: "logs", query: "x", min: 10)
        #expect(throughput.value(of: [.init(labels: [:], value: 5), .init(labels: [:], value: 50)]).value == 5)
        #expect(throughput.judge(5, baseline: nil).verdict == .failed)
    }
}
