import Logging
import ServerSupport
import Synchronization

/// Carries out what `RolloutLifecycle` decides, as `Supervisor+Lifecycle` does for deployments.
/// Every server advances every unfinished rollout on each pass: the store's row lock makes them
/// take turns, and a pass that changes nothing writes nothing.
extension Supervisor {
    func advanceRollouts() async throws {
        for id in try await store.unfinishedRollouts() {
            do {
                _ = try await updateRollout(id, gatheringFacts: true, audit: nil) { .advance($0) }
            } catch {
                logger.error("cannot advance a rollout", metadata: ["rollout": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// An event from the API (pause, resume, approve, cancel) or a re-check's answer.
    @discardableResult
    func apply(_ event: RolloutLifecycle.Event, toRollout id: String, audit: AuditEntry? = nil) async throws -> Rollout {
        try await updateRollout(id, gatheringFacts: false, audit: audit) { _ in event }
    }

    private func updateRollout(
        _ id: String,
        gatheringFacts: Bool,
        audit: AuditEntry?,
        _ event: @escaping @Sendable (RolloutFacts) -> RolloutLifecycle.Event
    ) async throws -> Rollout {
        let lifecycle = rolloutLifecycle
        let decided = Mutex<[RolloutLifecycle.Action]>([])
        let rollout: Rollout
        do {
            rollout = try await store.updateRollout(id, gatheringFacts: gatheringFacts, audit: audit) { rollout, facts in
                let before = rollout
                let decision = try lifecycle.apply(event(facts), to: &rollout)
                decided.withLock { $0 = decision.actions }
                if audit == nil, rollout == before { throw UnchangedRollout(rollout: rollout) }
                return decision.writes
            }
        } catch let unchanged as UnchangedRollout {
            rollout = unchanged.rollout
        }
        try await perform(decided.withLock { $0 }, for: rollout)
        if let wake = rollout.nextWake(lifecycle: rolloutLifecycle) { scheduleWake(at: wake, for: rollout.id) }
        return rollout
    }

    /// Verifies the soaked wave off the supervisor's pass, which must not wait on slow clusters;
    /// one re-check per rollout at a time. The answer is applied as an event, then a pass starts
    /// what may follow.
    private func startRecheck(_ clusters: [String], of rollout: Rollout) {
        guard rechecks.withLock({ $0.insert(rollout.id).inserted }) else { return }
        Task {
            defer { self.rechecks.withLock { _ = $0.remove(rollout.id) } }
            guard let problems = await self.recheck(clusters, of: rollout) else { return }
            do {
                try await self.apply(.rechecked(problems: problems), toRollout: rollout.id)
            } catch {
                self.logger.error("cannot record a rollout's re-check", metadata: ["rollout": "\(rollout.id)", "error": "\(error)"])
            }
            self.wake()
        }
    }

    /// A pass right when a soak ends, rather than at the next poll. One timer per rollout and soak;
    /// a stopped supervisor's timers only yield to a stream nobody reads.
    private func scheduleWake(at time: Int64, for rollout: String) {
        let key = "\(rollout)@\(time)"
        let left = time - lifecycle.clock.millisecondsSince1970
        // Past it, the poll asks again (a re-check that could not run must not spin).
        guard left > 0, soakTimers.withLock({ $0.insert(key).inserted }) else { return }
        let delay = Duration.milliseconds(left)
        let clock = self.clock
        Task {
            try? await clock.sleep(for: delay)
            self.soakTimers.withLock { _ = $0.remove(key) }
            self.wake()
        }
    }

    private func perform(_ actions: [RolloutLifecycle.Action], for rollout: Rollout) async throws {
        for action in actions {
            switch action {
            case .dispatchSoon, .advanceSoon:
                wake()
            case .cancelDeployments(let ids):
                for id in ids {
                    do {
                        try await apply(.cancelRequested, to: id)
                    } catch is DeploymentLifecycle.Refusal {
                        continue  // it ended meanwhile
                    }
                }
            case .recheck(let clusters):
                startRecheck(clusters, of: rollout)
            case .evaluate(let request):
                startEvaluation(request, of: rollout)
            case .log(let line):
                logger.log(level: line.level, "\(line.message)", metadata: line.metadata.mapValues { .string($0) })
            }
        }
    }
}

/// Thrown out of the store's transaction so that an advance changing nothing is not written.
private struct UnchangedRollout: Error {
    let rollout: Rollout
}
