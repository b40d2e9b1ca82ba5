import Synchronization

/// The unfinished rollouts as last read or written, each with the revision of that write. Every
/// supervisor pass reads each unfinished rollout, and reading a 1,000-cluster rollout's rows again
/// when nothing changed would cost as much as the pass itself (bench/where-the-time-goes.md).
/// A revision is new with every write (`SQLStore+RolloutRows`), so a rollout another server
/// wrote is read afresh, and a copy remembered by a write that was rolled back is never matched.
final class RolloutDocuments: Sendable {
    private let documents = Mutex<[String: (revision: String, rollout: Rollout)]>([:])

    /// The copy of the rollout at `revision`, if this is the revision last seen.
    func rollout(_ id: String, revision: String) -> Rollout? {
        documents.withLock { known in known[id].flatMap { $0.revision == revision ? $0.rollout : nil } }
    }

    /// A finished rollout is read no more by the passes, so it is forgotten.
    func remember(_ id: String, revision: String, _ rollout: Rollout) {
        documents.withLock { $0[id] = rollout.state.isFinal ? nil : (revision, rollout) }
    }

    /// Forgets all but `unfinished`: a rollout another server finished is never read here again.
    func keep(only unfinished: Set<String>) {
        documents.withLock { $0 = $0.filter { unfinished.contains($0.key) } }
    }
}
