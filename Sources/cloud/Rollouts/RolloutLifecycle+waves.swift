import FleetAPI
import Foundation

/// How a rollout moves from wave to wave, from the facts the store recorded.
extension RolloutLifecycle {
    /// Each running cluster whose deployment ended takes its outcome; one past its deadline fails.
    func recordEnded(_ rollout: inout Rollout, _ facts: Facts, _ decision: inout Decision) {
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
                rollout.clusters[index].chartDigest = deployment.chartDigest
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
    func progress(_ rollout: inout Rollout, _ facts: Facts?, _ decision: inout Decision) {
        while rollout.state == .running || rollout.state == .soaking {
            if rollout.state == .soaking {
                if let due = analysisDue(rollout) {
                    if now >= due.at { decision.actions.append(.evaluate(due.request)) }
                    return
                }
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
            let last = next >= rollout.waves.count
            if rollout.wave >= 0, rollout.soaked < rollout.wave, let soak = soak(of: &rollout, last: last) {
                set(&rollout, .soaking, detail: soak)
                continue
            }
            guard !last else {
                finish(&rollout, .succeeded)
                return
            }
            if needsApproval(rollout, before: next), rollout.approved < next {
                set(&rollout, .waitingApproval, detail: "wave \(next + 1) of \(rollout.waves.count) waits for approval")
                return
            }
            guard let facts, let clusters = facts.clusters else { return }
            guard windowOpen(for: &rollout, wave: next) else { return }
            start(next, of: &rollout, clusters: clusters, lastApplied: facts.lastApplied, &decision)
        }
    }

    /// Whether the rollout's window lets `wave` start now; the first time it holds a wave, that is
    /// recorded in the history, so the rollout says why it waits.
    func windowOpen(for rollout: inout Rollout, wave: Int) -> Bool {
        guard let window = rollout.window, !window.contains(Date(timeIntervalSince1970: Double(now) / 1000)) else { return true }
        let detail = "wave \(wave + 1) of \(rollout.waves.count) waits for the window \(window.description)"
        if rollout.history.last?.detail != detail {
            rollout.history.append(RolloutHistoryEntry(time: now, state: "waiting-for-window", detail: detail))
        }
        return false
    }

    func needsApproval(_ rollout: Rollout, before wave: Int) -> Bool {
        switch rollout.strategy.approval {
        case .none: false
        case .everyBatch: wave > 0
        case .afterCanary: wave == 1 && rollout.hasCanaryWave
        }
    }

    /// Creates a deployment for each of the wave's clusters that needs one; the rest are skipped.
    func start(
        _ wave: Int,
        of rollout: inout Rollout,
        clusters: [String: Cluster],
        lastApplied: [String: Deployment],
        _ decision: inout Decision
    ) {
        rollout.wave = wave
        rollout.history.append(RolloutHistoryEntry(time: now, state: "wave-started", detail: "wave \(wave + 1) of \(rollout.waves.count)"))
        // Dispatch takes deployments made at the same instant by ID: IDs in the wave's order make
        // its clusters start in the order they were selected, as the plan shows them.
        var ids = rollout.clusters.filter { $0.wave == wave && $0.state == .waiting }.map { _ in ID.make() }.sorted().makeIterator()
        for (index, cluster) in rollout.clusters.enumerated() where cluster.wave == wave && cluster.state == .waiting {
            guard let live = clusters[cluster.clusterID] else {
                end(&rollout, cluster: index, .skipped, reason: "the cluster was deleted")
                continue
            }
            let target = cluster.target ?? rollout.target
            let current = Self.current(of: rollout.service, on: live, lastApplied: lastApplied[cluster.clusterID])
            if current == target.outcome {
                let what = target.action == .delete ? "not installed" : "already at \(target.chart?.version ?? "?") with these values"
                end(&rollout, cluster: index, .skipped, reason: what)
                continue
            }
            var (deployment, _) = deployments.created(
                clusterID: cluster.clusterID,
                service: rollout.service,
                spec: target,
                timeoutSeconds: rollout.strategy.timeoutSeconds
            )
            deployment.id = ids.next() ?? deployment.id
            deployment.retry = rollout.strategy.retry
            deployment.traceParent = rollout.traceParent
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
    static func current(of service: ServiceName, on cluster: Cluster, lastApplied: Deployment?) -> DeploymentSpec {
        guard case .some(.some(let version)) = cluster.utilities.actualVersions[service.rawValue] else {
            return DeploymentSpec(action: .delete)
        }
        let same = lastApplied?.chart?.version == version.chart
        return DeploymentSpec(
            action: .apply,
            chart: ChartRequest(version: version.chart),
            values: same ? lastApplied?.values : nil,
            valuesFrom: same ? lastApplied?.valuesFrom : nil
        )
    }
}
