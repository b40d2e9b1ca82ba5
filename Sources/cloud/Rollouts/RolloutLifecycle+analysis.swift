import FleetAPI

/// How a rollout's analysis runs through a wave's soak: when each evaluation is due, what it
/// records, when a cluster fails it, and the automatic undo once the rollout halts.
extension RolloutLifecycle {
    /// What one evaluation reads: the wave's clusters that succeeded and are still judged, and
    /// the baseline, clusters the rollout has not changed yet (none when no check compares).
    struct AnalysisRequest: Sendable, Equatable {
        var wave: Int
        var round: Int
        var clusters: [String]
        var baseline: [String]
    }

    /// How many unchanged clusters a baseline is the median of: enough that one odd cluster does
    /// not move it, few enough that each evaluation stays cheap.
    static let baselineSize = 5

    /// Starts the soak of the wave that just ended, when it has one: `soakSeconds` between waves,
    /// or the analysis's duration when longer and some cluster of the wave is there to judge (the
    /// last wave too: its clusters are judged like the others). Returns what the history says of
    /// it; nil: no soak.
    func soak(of rollout: inout Rollout, last: Bool) -> String? {
        let judged = rollout.clusters.contains { $0.wave == rollout.wave && $0.state == .succeeded }
        let analysis = judged ? rollout.strategy.analysis : nil
        let seconds = max(last ? 0 : rollout.strategy.soakSeconds, analysis?.durationSeconds ?? 0)
        guard seconds > 0 else { return nil }
        rollout.soakUntil = now + Int64(seconds) * 1000
        rollout.analysis = analysis.map { _ in AnalysisProgress(wave: rollout.wave, rounds: 0, startAt: now) }
        let judging = analysis.map { ", its metrics judged every \($0.intervalSeconds)s" } ?? ""
        return "wave \(rollout.wave + 1) soaks for \(seconds)s\(judging)"
    }

    /// The soaking wave's next evaluation and when it is due; nil when none is owed (the
    /// evaluations are done, or every judged cluster failed).
    func analysisDue(_ rollout: Rollout) -> (at: Int64, request: AnalysisRequest)? {
        guard let analysis = rollout.strategy.analysis, let progress = rollout.analysis, progress.wave == rollout.wave,
            progress.rounds < analysis.rounds
        else { return nil }
        let clusters = rollout.clusters.filter { $0.wave == progress.wave && $0.state == .succeeded }.map(\.clusterID)
        guard !clusters.isEmpty else { return nil }
        let compares = analysis.checks.contains { $0.compareToBaseline != nil }
        let baseline = compares ? rollout.clusters.filter { $0.state == .waiting }.prefix(Self.baselineSize).map(\.clusterID) : []
        let round = progress.rounds + 1
        return (progress.dueAt(round: round, analysis), AnalysisRequest(wave: progress.wave, round: round, clusters: clusters, baseline: baseline))
    }

    /// Records one evaluation, if it is the one owed (a late or repeated answer changes nothing):
    /// each cluster's results, and a cluster over a limit fails, against the failure budget.
    func record(_ round: AnalysisRound, in rollout: inout Rollout, _ decision: inout Decision) {
        guard rollout.state == .soaking, let analysis = rollout.strategy.analysis, var progress = rollout.analysis,
            progress.wave == round.wave, progress.wave == rollout.wave, round.round == progress.rounds + 1
        else { return }
        let last = round.round >= analysis.rounds
        for (index, cluster) in rollout.clusters.enumerated() where cluster.wave == round.wave && cluster.state == .succeeded {
            guard let results = round.results[cluster.clusterID] else { continue }
            var record = cluster.analysis ?? ClusterAnalysis(analysis)
            let failure = record.add(results, at: round.time, analysis, last: last)
            rollout.clusters[index].analysis = record
            if let failure { end(&rollout, cluster: index, .failed, reason: "analysis: \(failure)") }
        }
        progress.rounds = round.round
        rollout.analysis = progress
        rollout.updateAt = now
        // A halt's undo comes with the next advance, which reads the profile targets it holds.
        if haltIfOverBudget(&rollout) {
            if analysis.onFailure == .undo { decision.actions.append(.advanceSoon) }
        } else {
            self.progress(&rollout, nil, &decision)
        }
    }

    /// A rollout halted with `onFailure: undo` is rolled back once nothing of it is in flight:
    /// its waiting clusters are cancelled, a rollout that brings back what each changed cluster had
    /// is written with it, the profile targets it carried out are held at their revision (the
    /// profile keeps those clusters where they were until a new revision is applied), and it ends
    /// failed, naming that rollout.
    func undoIfHalted(_ rollout: inout Rollout, _ facts: Facts, _ decision: inout Decision) {
        guard rollout.state == .halted, rollout.strategy.analysis?.onFailure == .undo, rollout.undoneBy == nil,
            !rollout.clusters.contains(where: { $0.state == .running })
        else { return }
        // A cluster judged by the analysis had its deployment succeed, whatever the verdict.
        let changed = Set(rollout.clusters.filter { $0.state == .succeeded || $0.analysis != nil }.map(\.clusterID))
        for (index, cluster) in rollout.clusters.enumerated() where !cluster.state.isFinal {
            end(&rollout, cluster: index, .cancelled, reason: "the rollout was undone")
        }
        let why = rollout.error ?? "halted"
        var detail = "nothing to undo: it changed no cluster"
        if let undo = undo(of: rollout, changed: changed, automatic: true) {
            decision.writes.rollouts.append(undo)
            rollout.undoneBy = undo.id
            rollout.error = "\(why); undone by rollout \(undo.id)"
            detail = "undone by rollout \(undo.id)"
            decision.actions.append(.dispatchSoon)
            decision.writes.profileTargets = facts.profileTargets.filter { $0.rolloutID == rollout.id }.map { target in
                var held = target
                held.held = ProfileTarget.Held(revision: target.revision, rolloutID: rollout.id, undoneBy: undo.id, reason: why)
                return .set(held)
            }
        }
        finish(&rollout, .failed, detail: detail)
    }

    /// A rollout that brings each of `changed` back to what it had before `original` changed it
    /// (recorded per cluster when its deployment was created), with the same strategy but no
    /// analysis: a rollback is not held to the metrics that called for it. An automatic one asks
    /// no approval. Nil when no changed cluster has anything recorded to go back to.
    func undo(of original: Rollout, changed: Set<String>, automatic: Bool = false) -> Rollout? {
        var targets: [String: DeploymentSpec] = [:]
        for cluster in original.clusters where changed.contains(cluster.clusterID) {
            if let previous = cluster.previous { targets[cluster.clusterID] = previous }
        }
        let ids = original.clusters.map(\.clusterID).filter { targets[$0] != nil }
        guard let first = ids.first, let target = targets[first] else { return nil }
        var strategy = original.strategy
        strategy.analysis = nil
        strategy.canaryClusters = strategy.canaryClusters.filter { targets[$0] != nil }
        strategy.canaries = strategy.canaryClusters.isEmpty ? min(strategy.canaries, ids.count - 1) : 0
        if automatic || (!strategy.hasCanaryWave && strategy.approval == .afterCanary) { strategy.approval = .none }
        // The canaries and batch size were valid for more clusters; fewer only make fewer waves.
        guard let plan = try? RolloutPlan(targets: ids, strategy: strategy) else { return nil }
        return created(
            service: original.service,
            target: target,
            strategy: strategy,
            selection: "undo of \(original.id)",
            plan: plan,
            names: Dictionary(uniqueKeysWithValues: original.clusters.map { ($0.clusterID, $0.name) }),
            targets: targets,
            undoes: original.id
        )
    }
}

extension Rollout {
    /// When a pass is next owed without anything else happening: the analysis's next evaluation
    /// or the soak's end.
    func nextWake(lifecycle: RolloutLifecycle) -> Int64? {
        guard state == .soaking else { return nil }
        return lifecycle.analysisDue(self).map { min($0.at, soakUntil) } ?? soakUntil
    }
}
