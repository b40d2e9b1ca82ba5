import NIOCore
import Synchronization

/// The JSON of recently read finished deployments, so that reading one again (a CLI waiting, a
/// dashboard, a script polling) costs no database round trip. Safe because a finished deployment
/// never changes: the lifecycle refuses or ignores every event on one, on any server sharing the
/// database, and deployments are never deleted. Bounded by bytes; the oldest entries go first.
final class FinishedDeployments: Sendable {
    private struct State {
        var documents: [String: ByteBuffer] = [:]
        /// Insertion order, for eviction.
        var order: [String] = []
        var next = 0
        var bytes = 0
    }

    private let state = Mutex(State())
    private let budget: Int

    /// - Parameter budget: bytes of JSON kept at most.
    init(budget: Int = 8 << 20) {
        self.budget = budget
    }

    func json(of id: String) -> ByteBuffer? {
        state.withLock { $0.documents[id] }
    }

    func remember(_ json: ByteBuffer, of id: String) {
        guard json.readableBytes <= budget / 8 else { return }
        state.withLock { state in
            guard state.documents.updateValue(json, forKey: id) == nil else { return }
            state.order.append(id)
            state.bytes += json.readableBytes
            while state.bytes > budget, state.next < state.order.count {
                let evicted = state.order[state.next]
                state.next += 1
                state.bytes -= state.documents.removeValue(forKey: evicted)?.readableBytes ?? 0
            }
            // Compacted now and then, so the order list does not grow for good.
            if state.next > 1024, state.next * 2 > state.order.count {
                state.order.removeFirst(state.next)
                state.next = 0
            }
        }
    }
}
