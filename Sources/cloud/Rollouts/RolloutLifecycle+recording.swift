/// How each change of a rollout and its clusters is written down: state, times, history.
extension RolloutLifecycle {
    /// Halts a rollout whose failures went over its budget; true if it is (now) halted.
    func haltIfOverBudget(_ rollout: inout Rollout) -> Bool {
        guard rollout.failures > rollout.budget else { return rollout.state == .halted }
        guard [.running, .soaking, .waitingApproval].contains(rollout.state) else { return rollout.state == .halted }
        set(&rollout, .halted, detail: "\(rollout.failures) failed, over the budget of \(rollout.budget)")
        rollout.error = "halted: \(rollout.failures) cluster(s) failed, over the budget of \(rollout.budget)"
        return true
    }

    func set(_ rollout: inout Rollout, _ state: RolloutState, detail: String? = nil) {
        guard rollout.state != state else { return }
        rollout.state = state
        rollout.updateAt = now
        rollout.history.append(RolloutHistoryEntry(time: now, state: state.rawValue, detail: detail))
    }

    func finish(_ rollout: inout Rollout, _ state: RolloutState, detail: String? = nil) {
        set(&rollout, state, detail: detail)
        rollout.endAt = now
        rollout.resumeTo = nil
    }

    func end(_ rollout: inout Rollout, cluster index: Int, _ state: RolloutClusterState, reason: String?) {
        rollout.clusters[index].reason = reason
        rollout.clusters[index].endAt = now
        setCluster(&rollout, index, state, detail: reason)
    }

    func setCluster(_ rollout: inout Rollout, _ index: Int, _ state: RolloutClusterState, detail: String?) {
        rollout.clusters[index].state = state
        rollout.updateAt = now
        rollout.history.append(
            RolloutHistoryEntry(time: now, state: state.rawValue, clusterID: rollout.clusters[index].clusterID, detail: detail)
        )
    }
}
