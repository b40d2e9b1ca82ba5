import FleetAPI
import Logging
import ServerSupport

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

    typealias Facts = RolloutFacts
    typealias Outcome = RolloutFacts.Outcome
    typealias Writes = RolloutWrites

    enum Event: Sendable {
        /// Look at the recorded facts: record ended deployments, start what may start.
        case advance(Facts)
        /// The soak's re-check of the wave's releases: a problem per cluster found unhealthy.
        case rechecked(problems: [String: String])
        /// One evaluation of the soaking wave's metrics.
        case evaluated(AnalysisRound)
        case pause
        /// `maxFailures` raises (or sets) the budget, to go on after a halt.
        case resume(maxFailures: RolloutShare?)
        case approve
        case cancel
    }

    enum Action: Sendable, Equatable {
        /// New deployments were written: dispatch them.
        case dispatchSoon
        /// The rollout halted with an undo owed, which the next advance writes: pass now.
        case advanceSoon
        /// Cancel these deployments (the rollout was cancelled, or gave up on them).
        case cancelDeployments([String])
        /// Check these clusters' releases again (the soak ended): the answer is `rechecked`.
        case recheck(clusters: [String])
        /// Read the analysis's checks on these clusters and the baseline's: the answer is `evaluated`.
        case evaluate(AnalysisRequest)
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

    var now: Int64 { deployments.clock.millisecondsSince1970 }

    /// A new rollout: running, its first wave started by the next advance.
    func created(
        service: ServiceName,
        target: DeploymentSpec,
        strategy: RolloutStrategy,
        selection: String,
        plan: RolloutPlan,
        names: [String: String],
        targets: [String: DeploymentSpec] = [:],
        undoes: String? = nil,
        window: MaintenanceWindow? = nil
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
            window: window,
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
            undoIfHalted(&rollout, facts, &decision)
        case .evaluated(let round):
            record(round, in: &rollout, &decision)
        case .rechecked(let problems):
            guard rollout.state == .soaking, now >= rollout.soakUntil else { return decision }
            for (index, cluster) in rollout.clusters.enumerated() where cluster.wave == rollout.wave {
                guard let problem = problems[cluster.clusterID], cluster.state == .succeeded else { continue }
                end(&rollout, cluster: index, .failed, reason: "unhealthy after the soak: \(problem)")
            }
            rollout.soaked = rollout.wave
            rollout.analysis = nil
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
