import Internal
import Logging

/// A rollout's whole life in one pure value, like `DeploymentLifecycle`: each event changes the
/// rollout and returns what to write with it (in the same transaction) and what to do after.
/// The store hands it the recorded facts (final deployment states, live clusters) inside the
/// transaction that locks the rollout, so a wave starts only from what was recorded, and two cloud
/// servers advancing one rollout take turns: the second sees what the first wrote.
///
///     running (wave w in flight) ─wave ended→ soaking ─rechecked→ waiting-approval ─approve→ running (w+1)
///        │ failures over budget → halted ─resume (budget raised)→ running;  halted ─cancel→ failed
///        └ last wave ended → succeeded;   any ─pause→ paused ─resume→ where it was;   any ─cancel→ cancelled
struct RolloutLifecycle: Sendable {
    struct Configuration: Sendable {
        /// Beyond a cluster's timeout, for the provisioner's clean-up and a re-dispatch, before the
        /// rollout gives up on a deployment that has not ended and fails the cluster.
        var deadlineGrace: Duration = .seconds(120)
    }

    let configuration: Configuration
    /// Makes the rollout's deployments, and keeps the time.
    let deployments: DeploymentLifecycle

    init(configuration: Configuration = Configuration(), deployments: DeploymentLifecycle) {
        self.configuration = configuration
        self.deployments = deployments
    }

    /// What was recorded about a rollout's clusters, read in the transaction that advances it.
    struct Facts: Sendable {
        /// The rollout's deployments, by ID.
        var deployments: [String: Deployment] = [:]
        /// The clusters of the waves that may start, those that still exist, by ID; nil when they
        /// were not read (a wave is in flight), and no wave may start from this advance.
        var clusters: [String: Cluster]?
        /// Per cluster, the last deployment that applied the rollout's service successfully: what
        /// values the cluster runs with.
        var lastApplied: [String: Deployment] = [:]
    }

    enum Event: Sendable {
        /// Look at the recorded facts: record ended deployments, start what may start.
        case advance(Facts)
        /// The soak's re-check of the wave's releases: a problem per cluster found unhealthy.
        case rechecked(problems: [String: String])
        case pause
        /// `maxFailures` raises (or sets) the budget, to go on after a halt.
        case resume(maxFailures: RolloutShare?)
        case approve
        case cancel
    }

    /// What to write in the same transaction as the rollout.
    struct Writes: Sendable, Equatable {
        var deployments: [Deployment] = []
        /// Per cluster, the service's new desired version (nil: none, for a delete).
        var desiredVersions: [String: UtilityVersion?] = [:]
    }

    enum Action: Sendable, Equatable {
        /// New deployments were written: dispatch them.
        case dispatchSoon
        /// Cancel these deployments (the rollout was cancelled, or gave up on them).
        case cancelDeployments([String])
        /// Check these clusters' releases again (the soak ended): the answer is `rechecked`.
        case recheck(clusters: [String])
        case log(DeploymentLifecycle.LogLine)
    }

    struct Decision: Sendable, Equatable {
        var writes = Writes()
        var actions: [Action] = []
    }

    enum Refusal: Error, Equatable, APIErrorConvertible {
        case notNow(action: String, id: String, state: RolloutState)
        case overBudget(id: String, failures: Int, budget: Int)

        var apiError: APIError {
            switch self {
            case .notNow(let action, let id, let state):
                APIError.conflict("rollout \(id) is \(state.rawValue); it cannot \(action) now")
            case .overBudget(let id, let failures, let budget):
                APIError.conflict(
                    "rollout \(id) has \(failures) failed cluster(s), over its budget of \(budget); resume with a larger MaxFailures"
                )
            }
        }
    }

    var now: Int64 { deployments.clock.now() }

    /// A new rollout: running, its first wave started by the next advance.
    func created(
        service: ServiceName,
        target: RolloutTarget,
        strategy: RolloutStrategy,
        selection: String,
        plan: RolloutPlan,
        names: [String: String],
        targets: [String: RolloutTarget] = [:],
        undoes: String? = nil
    ) -> Rollout {
        let now = self.now
        let clusters = plan.waves.enumerated().flatMap { wave, ids in
            ids.map {
                RolloutCluster(
                    clusterID: $0,
                    name: names[$0] ?? $0,
                    wave: wave,
                    state: .waiting,
                    target: targets[$0],
                    deploymentID: nil,
                    reason: nil,
                    previous: nil,
                    startAt: 0,
                    endAt: 0
                )
            }
        }
        return Rollout(
            id: ID.make(),
            service: service,
            target: target,
            strategy: strategy,
            selection: selection,
            state: .running,
            resumeTo: nil,
            waves: plan.waves,
            wave: -1,
            soaked: -1,
            approved: -1,
            clusters: clusters,
            soakUntil: 0,
            undoes: undoes,
            error: nil,
            history: [RolloutHistoryEntry(time: now, state: RolloutState.running.rawValue)],
            createAt: now,
            updateAt: now,
            endAt: 0
        )
    }

    /// Applies one event to the rollout as stored now. An event that no longer applies (a late
    /// re-check, an advance of a finished rollout) changes nothing.
    func apply(_ event: Event, to rollout: inout Rollout) throws(Refusal) -> Decision {
        var decision = Decision()
        switch event {
        case .advance(let facts):
            guard !rollout.state.isFinal else { return decision }
            recordEnded(&rollout, facts, &decision)
            progress(&rollout, facts, &decision)
        case .rechecked(let problems):
            guard rollout.state == .soaking, now >= rollout.soakUntil else { return decision }
            for (index, cluster) in rollout.clusters.enumerated() where cluster.wave == rollout.wave {
                guard let problem = problems[cluster.clusterID], cluster.state == .succeeded else { continue }
                end(&rollout, cluster: index, .failed, reason: "unhealthy after the soak: \(problem)")
            }
            rollout.soaked = rollout.wave
            if !haltIfOverBudget(&rollout) {
                // Not written to the history: what follows (a gate, or the next wave) is.
                rollout.state = .running
                rollout.updateAt = now
            }
            progress(&rollout, nil, &decision)
        case .pause:
            guard [.running, .soaking, .waitingApproval].contains(rollout.state) else {
                throw .notNow(action: "pause", id: rollout.id, state: rollout.state)
            }
            rollout.resumeTo = rollout.state
            set(&rollout, .paused)
        case .resume(let maxFailures):
            guard rollout.state == .paused || rollout.state == .halted else {
                throw .notNow(action: "resume", id: rollout.id, state: rollout.state)
            }
            if let maxFailures { rollout.strategy.maxFailures = maxFailures }
            if rollout.state == .halted {
                guard rollout.failures <= rollout.budget else {
                    throw .overBudget(id: rollout.id, failures: rollout.failures, budget: rollout.budget)
                }
                rollout.error = nil
            }
            set(&rollout, rollout.state == .paused ? rollout.resumeTo ?? .running : .running)
            rollout.resumeTo = nil
            // Paused while its failures went over the budget: it halts now instead.
            _ = haltIfOverBudget(&rollout)
        case .approve:
            guard rollout.state == .waitingApproval else { throw .notNow(action: "approve", id: rollout.id, state: rollout.state) }
            rollout.approved = rollout.wave + 1
            set(&rollout, .running)
        case .cancel:
            guard !rollout.state.isFinal else { throw .notNow(action: "cancel", id: rollout.id, state: rollout.state) }
            var cancelled: [String] = []
            for (index, cluster) in rollout.clusters.enumerated() where !cluster.state.isFinal {
                if cluster.state == .running, let id = cluster.deploymentID { cancelled.append(id) }
                end(&rollout, cluster: index, .cancelled, reason: "the rollout was cancelled")
            }
            if !cancelled.isEmpty { decision.actions.append(.cancelDeployments(cancelled)) }
            finish(&rollout, rollout.state == .halted ? .failed : .cancelled)
        }
        return decision
    }
}

// MARK: Advancing

extension RolloutLifecycle {
    /// Each running cluster whose deployment ended takes its outcome; one past its deadline fails.
    private func recordEnded(_ rollout: inout Rollout, _ facts: Facts, _ decision: inout Decision) {
        // Every retry gets the whole timeout again, after its backoff (doubled each time).
        let retries = rollout.strategy.retry?.retries ?? 0
        let backoffs = (0..<retries).reduce(Int64(0)) { $0 + Int64(rollout.strategy.retry?.backoffSeconds ?? 0) * 1000 << Int64($1) }
        let deadline =
            (Int64(rollout.strategy.timeoutSeconds) * 1000 + configuration.deadlineGrace.milliseconds) * Int64(retries + 1) + backoffs
        var overdue: [String] = []
        for (index, cluster) in rollout.clusters.enumerated() where cluster.state == .running {
            guard let id = cluster.deploymentID, let deployment = facts.deployments[id] else {
                end(&rollout, cluster: index, .failed, reason: "its deployment is missing")
                continue
            }
            switch deployment.state {
            case .succeeded:
                end(&rollout, cluster: index, .succeeded, reason: nil)
            case .failed:
                end(&rollout, cluster: index, .failed, reason: deployment.error ?? "its deployment failed")
            case .cancelled:
                end(&rollout, cluster: index, .failed, reason: "its deployment \(id) was cancelled")
            default:
                guard now > cluster.startAt + deadline else { continue }
                overdue.append(id)
                end(
                    &rollout,
                    cluster: index,
                    .failed,
                    reason: "its deployment \(id) did not end within \(deadline / 1000)s (still \(deployment.state.rawValue))"
                )
            }
        }
        if !overdue.isEmpty { decision.actions.append(.cancelDeployments(overdue)) }
        _ = haltIfOverBudget(&rollout)
    }

    /// Moves on as far as the recorded facts allow: a wave that ended soaks, waits for approval or
    /// makes way for the next; a wave whose clusters are all skipped ends at once. Without facts
    /// (after a re-check) a wave is not started: the next advance starts it from what is recorded.
    private func progress(_ rollout: inout Rollout, _ facts: Facts?, _ decision: inout Decision) {
        while rollout.state == .running || rollout.state == .soaking {
            if rollout.state == .soaking {
                if now >= rollout.soakUntil {
                    // A removal has nothing left to verify.
                    let healthy = rollout.clusters.filter {
                        $0.wave == rollout.wave && $0.state == .succeeded && ($0.target ?? rollout.target).action == .apply
                    }.map(\.clusterID)
                    decision.actions.append(.recheck(clusters: healthy))
                }
                return
            }
            guard rollout.wave < 0 || rollout.clusters.allSatisfy({ $0.wave != rollout.wave || $0.state.isFinal }) else { return }
            let next = rollout.wave + 1
            guard next < rollout.waves.count else {
                finish(&rollout, .succeeded)
                return
            }
            if rollout.wave >= 0, rollout.strategy.soakSeconds > 0, rollout.soaked < rollout.wave {
                rollout.soakUntil = now + Int64(rollout.strategy.soakSeconds) * 1000
                set(&rollout, .soaking, detail: "wave \(rollout.wave + 1) soaks for \(rollout.strategy.soakSeconds)s")
                continue
            }
            if needsApproval(rollout, before: next), rollout.approved < next {
                set(&rollout, .waitingApproval, detail: "wave \(next + 1) of \(rollout.waves.count) waits for approval")
                return
            }
            guard let facts, let clusters = facts.clusters else { return }
            start(next, of: &rollout, clusters: clusters, lastApplied: facts.lastApplied, &decision)
        }
    }

    private func needsApproval(_ rollout: Rollout, before wave: Int) -> Bool {
        switch rollout.strategy.approval {
        case .none: false
        case .everyBatch: wave > 0
        case .afterCanary: wave == 1 && rollout.hasCanaryWave
        }
    }

    /// Creates a deployment for each of the wave's clusters that needs one; the rest are skipped.
    private func start(
        _ wave: Int,
        of rollout: inout Rollout,
        clusters: [String: Cluster],
        lastApplied: [String: Deployment],
        _ decision: inout Decision
    ) {
        rollout.wave = wave
        rollout.history.append(RolloutHistoryEntry(time: now, state: "wave-started", detail: "wave \(wave + 1) of \(rollout.waves.count)"))
        for (index, cluster) in rollout.clusters.enumerated() where cluster.wave == wave && cluster.state == .waiting {
            guard let live = clusters[cluster.clusterID] else {
                end(&rollout, cluster: index, .skipped, reason: "the cluster was deleted")
                continue
            }
            let target = cluster.target ?? rollout.target
            let current = Self.current(of: rollout.service, on: live, lastApplied: lastApplied[cluster.clusterID])
            if current == RolloutTarget(action: target.action, chart: target.chart, values: target.values) {
                let what = target.action == .delete ? "not installed" : "already at \(target.chart?.version ?? "?") with these values"
                end(&rollout, cluster: index, .skipped, reason: what)
                continue
            }
            var (deployment, _) = deployments.created(
                clusterID: cluster.clusterID,
                service: rollout.service,
                action: target.action,
                chart: target.chart,
                values: target.values,
                timeoutSeconds: rollout.strategy.timeoutSeconds
            )
            deployment.test = target.test
            deployment.retry = rollout.strategy.retry
            decision.writes.deployments.append(deployment)
            // updateValue: a removal's desired version is none, which `[key] = nil` would drop.
            decision.writes.desiredVersions.updateValue(target.chart?.version.map { UtilityVersion(chart: $0) }, forKey: cluster.clusterID)
            rollout.clusters[index].deploymentID = deployment.id
            rollout.clusters[index].previous = current
            rollout.clusters[index].startAt = now
            setCluster(&rollout, index, .running, detail: "deployment \(deployment.id)")
        }
        if !decision.writes.deployments.isEmpty { decision.actions.append(.dispatchSoon) }
    }

    /// What the cluster runs now, as a target: its actual version with the values last applied,
    /// or a delete when the service is not installed.
    static func current(of service: ServiceName, on cluster: Cluster, lastApplied: Deployment?) -> RolloutTarget {
        guard case .some(.some(let version)) = cluster.utilities.actualVersions[service.rawValue] else {
            return RolloutTarget(action: .delete)
        }
        let values = lastApplied?.chart?.version == version.chart ? lastApplied?.values : nil
        return RolloutTarget(action: .apply, chart: ChartRequest(version: version.chart), values: values)
    }
}

// MARK: Recording

extension RolloutLifecycle {
    /// Halts a rollout whose failures went over its budget; true if it is (now) halted.
    private func haltIfOverBudget(_ rollout: inout Rollout) -> Bool {
        guard rollout.failures > rollout.budget else { return rollout.state == .halted }
        guard [.running, .soaking, .waitingApproval].contains(rollout.state) else { return rollout.state == .halted }
        set(&rollout, .halted, detail: "\(rollout.failures) failed, over the budget of \(rollout.budget)")
        rollout.error = "halted: \(rollout.failures) cluster(s) failed, over the budget of \(rollout.budget)"
        return true
    }

    private func set(_ rollout: inout Rollout, _ state: RolloutState, detail: String? = nil) {
        guard rollout.state != state else { return }
        rollout.state = state
        rollout.updateAt = now
        rollout.history.append(RolloutHistoryEntry(time: now, state: state.rawValue, detail: detail))
    }

    private func finish(_ rollout: inout Rollout, _ state: RolloutState) {
        set(&rollout, state)
        rollout.endAt = now
        rollout.resumeTo = nil
    }

    private func end(_ rollout: inout Rollout, cluster index: Int, _ state: RolloutClusterState, reason: String?) {
        rollout.clusters[index].reason = reason
        rollout.clusters[index].endAt = now
        setCluster(&rollout, index, state, detail: reason)
    }

    private func setCluster(_ rollout: inout Rollout, _ index: Int, _ state: RolloutClusterState, detail: String?) {
        rollout.clusters[index].state = state
        rollout.updateAt = now
        rollout.history.append(
            RolloutHistoryEntry(time: now, state: state.rawValue, clusterID: rollout.clusters[index].clusterID, detail: detail)
        )
    }
}

extension Rollout {
    var failures: Int { clusters.count { $0.state == .failed } }
    /// How many clusters may fail before the rollout halts.
    var budget: Int { strategy.maxFailures.count(of: clusters.count, roundingUp: false) }
    var hasCanaryWave: Bool { strategy.hasCanaryWave }
}

extension RolloutStrategy {
    var hasCanaryWave: Bool { canaries > 0 || !canaryClusters.isEmpty }
}
