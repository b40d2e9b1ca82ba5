import Synchronization

/// Whether this instance still takes new work: false from the moment draining starts, so
/// `/readyz` turns 503 and load balancers and cloud servers stop sending work.
final class Lifecycle: Sendable {
    private let draining = Atomic(false)

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    func startDraining() { draining.store(true, ordering: .relaxed) }
}
