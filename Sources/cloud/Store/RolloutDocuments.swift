import Synchronization

/// The unfinished rollouts as last read or written, each with the JSON it came from. Every
/// supervisor pass reads each unfinished rollout, one document holding the state of every one of
/// its clusters; decoding it again when its JSON had not changed took a quarter of the cloud
/// server's CPU in a 1,000-cluster rollout (bench/where-the-time-goes.md). Keyed by the text
/// itself, so a document another server wrote, or a write that was rolled back, is decoded afresh.
final class RolloutDocuments: Sendable {
    private let documents = Mutex<[String: (json: String, rollout: Rollout)]>([:])

    func rollout(_ id: String, json: String, decode: (String) throws -> Rollout) throws -> Rollout {
        if let known = documents.withLock({ $0[id] }), known.json == json { return known.rollout }
        let rollout = try decode(json)
        remember(id, json: json, rollout)
        return rollout
    }

    /// A finished rollout is read no more by the passes, so it is forgotten.
    func remember(_ id: String, json: String, _ rollout: Rollout) {
        documents.withLock { $0[id] = rollout.state.isFinal ? nil : (json, rollout) }
    }

    /// Forgets all but `unfinished`: a rollout another server finished is never read here again.
    func keep(only unfinished: Set<String>) {
        documents.withLock { $0 = $0.filter { unfinished.contains($0.key) } }
    }
}
