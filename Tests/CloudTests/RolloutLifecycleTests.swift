import FleetAPI
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// Every transition of a rollout, decided by the pure `RolloutLifecycle` from recorded facts with
/// a mock clock: no store, no provisioner, no sleeping.
@Suite("Rollout lifecycle")
struct RolloutLifecycleTests {
    let clock = ManualClock()
    var lifecycle: RolloutLifecycle {
        RolloutLifecycle(
            configuration: .init(deadlineGrace: .seconds(60)),
            deployments: DeploymentLifecycle(configuration: .init(), clock: clock)
        )
    }

    /// Clusters c1...cN, all running `nginx` 1.0.0.
    var fleet: [String: Cluster] {
        Dictionary(
            uniqueKeysWithValues: (1...12).map { index in
                let id = "c\(index)"
                return (
                    id,
                    Cluster(
                        id: id,
                        name: "n\(index)",
                        dns: nil,
                        labels: [],
                        utilities: UtilityMetadata(actualVersions: ["nginx": UtilityVersion(chart: "4.15.1")]),
                        createAt: 0
                    )
                )
            }
        )
    }

    /// The deployments the rollout made so far, as the store would record them: `ended` say how each ended.
    var deployments: [String: Deployment] = [:]

    func make(
        clusters: Int = 6,
        canaries: Int = 1,
        batch: RolloutShare = .clusters(2),
        maxFailures: RolloutShare = .clusters(0),
        soak: Int = 0,
        approval: RolloutApproval = .none
    ) throws -> Rollout {
        let ids = (1...clusters).map { "c\($0)" }
        let strategy = RolloutStrategy(
            batchSize: batch,
            maxFailures: maxFailures,
            soakSeconds: soak,
            timeoutSeconds: 60,
            approval: approval,
            canaries: canaries,
            canaryClusters: []
        )
        return lifecycle.created(
            service: "nginx",
            target: DeploymentSpec(action: .apply, chart: ChartRequest(version: "2.0.0")),
            strategy: strategy,
            selection: "all clusters",
            plan: try RolloutPlan(targets: ids, canaries: canaries > 0 ? .first(canaries) : .none, batchSize: batch),
            names: [:]
        )
    }

    /// Advances with the fleet and the recorded deployments; keeps what the rollout wrote.
    /// - Parameter read: whether the store read the clusters (it does only when no deployment of the rollout is in flight).
    mutating func advance(_ rollout: inout Rollout, clusters: [String: Cluster]? = nil, read: Bool = true) throws -> RolloutLifecycle.Decision {
        let facts = RolloutLifecycle.Facts(
            deployments: deployments.mapValues { .init(state: $0.state, error: $0.error) },
            clusters: read ? clusters ?? fleet : nil
        )
        let decision = try lifecycle.apply(.advance(facts), to: &rollout)
        for deployment in decision.writes.deployments { deployments[deployment.id] = deployment }
        return decision
    }

    /// Records the end of the deployments of the rollout's current wave.
    mutating func endWave(_ rollout: Rollout, _ state: CloudDeploymentState = .succeeded, except failing: Set<String> = []) {
        for cluster in rollout.clusters where cluster.wave == rollout.wave {
            guard let id = cluster.deploymentID else { continue }
            deployments[id]?.state = failing.contains(cluster.clusterID) ? .failed : state
            if failing.contains(cluster.clusterID) { deployments[id]?.error = "helm upgrade: timed out" }
        }
    }

    func states(_ rollout: Rollout) -> [RolloutClusterState] { rollout.clusters.map(\.state) }

    // MARK: Waves

    @Test("a new rollout runs and its first advance starts the canary wave only, setting desired versions")
    mutating func firstAdvanceStartsCanary() throws {
        var rollout = try make()
        #expect(rollout.state == .running && rollout.wave == -1)
        let decision = try advance(&rollout)
        #expect(rollout.wave == 0)
        #expect(decision.writes.deployments.map(\.clusterID) == ["c1"])
        #expect(decision.writes.deployments.first?.chart?.version == "2.0.0")
        #expect(decision.writes.deployments.first?.timeoutSeconds == 60)
        #expect(decision.writes.desiredVersions == ["c1": UtilityVersion(chart: "2.0.0")])
        #expect(decision.actions == [.dispatchSoon])
        #expect(states(rollout) == [.running, .waiting, .waiting, .waiting, .waiting, .waiting])
        #expect(rollout.clusters[0].previous == DeploymentSpec(action: .apply, chart: ChartRequest(version: "4.15.1")))
    }

    @Test("a wave's deployments take IDs in the wave's order, so dispatch (by creation, then ID) starts them as planned")
    mutating func waveIDsInOrder() throws {
        var rollout = try make(clusters: 12, canaries: 0, batch: .clusters(12))
        let created = try advance(&rollout).writes.deployments
        #expect(created.map(\.clusterID) == (1...12).map { "c\($0)" })
        #expect(created.map(\.id) == created.map(\.id).sorted())
        #expect(rollout.clusters.map(\.deploymentID) == created.map(\.id))
        #expect(rollout.history.last?.detail == "deployment \(created.last!.id)")
    }

    @Test("the next wave starts only once every deployment of the current one is recorded as ended")
    mutating func nextWaveWaitsForRecordedEnds() throws {
        var rollout = try make()
        _ = try advance(&rollout)
        #expect(try advance(&rollout).writes.deployments.isEmpty)
        endWave(rollout)
        let decision = try advance(&rollout)
        #expect(rollout.wave == 1)
        #expect(decision.writes.deployments.map(\.clusterID) == ["c2", "c3"])
        #expect(rollout.clusters[0].state == .succeeded)
    }

    @Test("the rollout succeeds when its last wave ends, and each change is in its history")
    mutating func succeedsAfterLastWave() throws {
        var rollout = try make(clusters: 3, canaries: 0, batch: .percent(100))
        _ = try advance(&rollout)
        endWave(rollout)
        _ = try advance(&rollout)
        #expect(rollout.state == .succeeded)
        #expect(rollout.endAt == clock.millisecondsSince1970)
        #expect(
            rollout.history.map(\.state) == [
                "running", "wave-started", "running", "running", "running", "succeeded", "succeeded", "succeeded", "succeeded",
            ]
        )
    }

    @Test("a cluster already at the version with the same values is skipped; a deleted one is skipped with the reason")
    mutating func skips() throws {
        var rollout = try make(clusters: 3, canaries: 0, batch: .percent(100))
        var clusters = fleet
        clusters["c1"]?.utilities.actualVersions["nginx"] = UtilityVersion(chart: "2.0.0")
        clusters["c2"] = nil
        let decision = try advance(&rollout, clusters: clusters)
        #expect(decision.writes.deployments.map(\.clusterID) == ["c3"])
        #expect(states(rollout) == [.skipped, .skipped, .running])
        #expect(rollout.clusters[0].reason?.contains("already at 2.0.0") == true)
        #expect(rollout.clusters[1].reason == "the cluster was deleted")
    }

    @Test("a wave of only skipped clusters ends at once and the next starts in the same advance")
    mutating func skippedWaveMovesOn() throws {
        var rollout = try make(clusters: 3, canaries: 1, batch: .clusters(2))
        var clusters = fleet
        clusters["c1"]?.utilities.actualVersions["nginx"] = UtilityVersion(chart: "2.0.0")
        let decision = try advance(&rollout, clusters: clusters)
        #expect(rollout.wave == 1)
        #expect(decision.writes.deployments.map(\.clusterID) == ["c2", "c3"])
    }

    // MARK: Failures

    @Test("failures over the budget halt the rollout: no new wave starts")
    mutating func halts() throws {
        var rollout = try make()
        _ = try advance(&rollout)
        endWave(rollout, except: ["c1"])
        let decision = try advance(&rollout)
        #expect(rollout.state == .halted)
        #expect(decision.writes.deployments.isEmpty)
        #expect(rollout.clusters[0].reason == "helm upgrade: timed out")
        #expect(try advance(&rollout).writes.deployments.isEmpty)
    }

    @Test("failures within the budget do not halt")
    mutating func withinBudget() throws {
        var rollout = try make(maxFailures: .clusters(1))
        _ = try advance(&rollout)
        endWave(rollout, except: ["c1"])
        _ = try advance(&rollout)
        #expect(rollout.state == .running && rollout.wave == 1)
    }

    @Test("resume after a halt is refused until the budget covers the failures, then the rollout goes on")
    mutating func resumeNeedsBudget() throws {
        var rollout = try make()
        _ = try advance(&rollout)
        endWave(rollout, except: ["c1"])
        _ = try advance(&rollout)
        #expect(throws: RolloutLifecycle.Refusal.overBudget(id: rollout.id, failures: 1, budget: 0)) {
            try lifecycle.apply(.resume(maxFailures: nil), to: &rollout)
        }
        _ = try lifecycle.apply(.resume(maxFailures: .clusters(1)), to: &rollout)
        #expect(rollout.state == .running && rollout.error == nil)
        #expect(try advance(&rollout).writes.deployments.map(\.clusterID) == ["c2", "c3"])
    }

    @Test("a deployment that has not ended by the cluster's timeout and grace fails the cluster and is cancelled")
    mutating func deadline() throws {
        var rollout = try make(maxFailures: .clusters(1))
        _ = try advance(&rollout)
        let id = try #require(rollout.clusters[0].deploymentID)
        clock.advance(by: .seconds(120))
        #expect(try advance(&rollout).actions.isEmpty)
        clock.advance(by: .seconds(1))
        let decision = try advance(&rollout)
        #expect(rollout.clusters[0].state == .failed)
        #expect(rollout.clusters[0].reason?.contains("did not end within 120s") == true)
        #expect(decision.actions.first == .cancelDeployments([id]))
        #expect(rollout.wave == 1)  // one offline cluster does not stall the fleet
    }

    @Test("a wave given up at a deadline starts the next only from an advance that read the clusters, never skipping them unseen")
    mutating func nextWaveNeedsClusters() throws {
        var rollout = try make(maxFailures: .clusters(1))
        _ = try advance(&rollout)
        clock.advance(by: .seconds(121))
        #expect(try advance(&rollout, read: false).writes.deployments.isEmpty)
        #expect(rollout.clusters[0].state == .failed && rollout.clusters[1].state == .waiting)
        #expect(try advance(&rollout).writes.deployments.map(\.clusterID) == ["c2", "c3"])
    }

    // MARK: Soak and gates

    @Test("after a wave the rollout soaks, re-checks the wave's releases, and only then starts the next")
    mutating func soaks() throws {
        var rollout = try make(soak: 30)
        _ = try advance(&rollout)
        endWave(rollout)
        _ = try advance(&rollout)
        #expect(rollout.state == .soaking && rollout.soakUntil == clock.millisecondsSince1970 + 30_000)
        clock.advance(by: .seconds(29))
        #expect(try advance(&rollout).actions.isEmpty)
        clock.advance(by: .seconds(1))
        #expect(try advance(&rollout).actions == [.recheck(clusters: ["c1"])])
        _ = try lifecycle.apply(.rechecked(problems: [:]), to: &rollout)
        #expect(rollout.state == .running && rollout.wave == 0)
        #expect(try advance(&rollout).writes.deployments.map(\.clusterID) == ["c2", "c3"])
    }

    @Test("a removal soaks too, but leaves nothing to verify")
    mutating func removalSoak() throws {
        var rollout = try make(soak: 5)
        rollout.target = DeploymentSpec(action: .delete)
        let decision = try advance(&rollout)
        #expect(decision.writes.deployments.first?.action == .delete)
        #expect(decision.writes.desiredVersions == ["c1": .none])
        endWave(rollout)
        _ = try advance(&rollout)
        clock.advance(by: .seconds(5))
        #expect(try advance(&rollout).actions == [.recheck(clusters: [])])
    }

    @Test("a release found unhealthy after the soak fails its cluster and can halt the rollout")
    mutating func unhealthyAfterSoak() throws {
        var rollout = try make(soak: 5)
        _ = try advance(&rollout)
        endWave(rollout)
        _ = try advance(&rollout)
        clock.advance(by: .seconds(5))
        _ = try lifecycle.apply(.rechecked(problems: ["c1": "not ready: Deployment/x: 0 of 1 pods ready"]), to: &rollout)
        #expect(rollout.clusters[0].state == .failed)
        #expect(rollout.clusters[0].reason == "unhealthy after the soak: not ready: Deployment/x: 0 of 1 pods ready")
        #expect(rollout.state == .halted)
    }

    @Test("after-canary approval stops once, after the canary wave; approve lets the next wave start")
    mutating func approvalAfterCanary() throws {
        var rollout = try make(approval: .afterCanary)
        _ = try advance(&rollout)
        endWave(rollout)
        _ = try advance(&rollout)
        #expect(rollout.state == .waitingApproval)
        #expect(try advance(&rollout).writes.deployments.isEmpty)
        _ = try lifecycle.apply(.approve, to: &rollout)
        #expect(try advance(&rollout).writes.deployments.map(\.clusterID) == ["c2", "c3"])
        endWave(rollout)
        #expect(try advance(&rollout).writes.deployments.map(\.clusterID) == ["c4", "c5"])
    }

    @Test("every-batch approval stops before every wave after the first")
    mutating func approvalEveryBatch() throws {
        var rollout = try make(clusters: 3, canaries: 0, batch: .clusters(1), approval: .everyBatch)
        for wave in 1...2 {
            _ = try advance(&rollout)
            endWave(rollout)
            _ = try advance(&rollout)
            #expect(rollout.state == .waitingApproval && rollout.wave == wave - 1)
            _ = try lifecycle.apply(.approve, to: &rollout)
        }
        _ = try advance(&rollout)
        #expect(rollout.wave == 2)
    }

    @Test("approve is refused unless the rollout waits for it")
    func approveRefused() throws {
        var rollout = try make()
        #expect(throws: RolloutLifecycle.Refusal.notNow(action: "approve", id: rollout.id, state: .running)) {
            try lifecycle.apply(.approve, to: &rollout)
        }
    }

    // MARK: Pause and cancel

    @Test("a paused rollout starts nothing and resumes where it was")
    mutating func pauseResume() throws {
        var rollout = try make(soak: 10)
        _ = try advance(&rollout)
        endWave(rollout)
        _ = try advance(&rollout)
        _ = try lifecycle.apply(.pause, to: &rollout)
        #expect(rollout.state == .paused)
        clock.advance(by: .seconds(20))
        #expect(try advance(&rollout).actions.isEmpty)
        _ = try lifecycle.apply(.resume(maxFailures: nil), to: &rollout)
        #expect(rollout.state == .soaking)
        #expect(try advance(&rollout).actions == [.recheck(clusters: ["c1"])])
    }

    @Test("cancel cancels the wave's deployments in flight and leaves the other clusters untouched")
    mutating func cancel() throws {
        var rollout = try make()
        _ = try advance(&rollout)
        let decision = try lifecycle.apply(.cancel, to: &rollout)
        #expect(rollout.state == .cancelled)
        #expect(decision.actions == [.cancelDeployments([rollout.clusters[0].deploymentID!])])
        #expect(decision.writes.desiredVersions.isEmpty)
        #expect(Set(states(rollout)) == [.cancelled])
    }

    @Test("a halted rollout that is cancelled has failed")
    mutating func cancelHalted() throws {
        var rollout = try make()
        _ = try advance(&rollout)
        endWave(rollout, except: ["c1"])
        _ = try advance(&rollout)
        _ = try lifecycle.apply(.cancel, to: &rollout)
        #expect(rollout.state == .failed)
        #expect(throws: RolloutLifecycle.Refusal.notNow(action: "cancel", id: rollout.id, state: .failed)) {
            try lifecycle.apply(.cancel, to: &rollout)
        }
    }
}
