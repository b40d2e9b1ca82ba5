import Foundation
public import ServerSupport
import Synchronization

/// A wall clock that moves only when a test says so (as Hummingbird tests its state machines with
/// a mock clock): sleepers wake when `advance` passes their deadline, so what waits on time is
/// tested without waiting.
public final class ManualClock: WallClock {
    private struct Sleeper {
        var id: UInt64
        var deadline: WallInstant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: WallInstant
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
    }

    /// Where the clock started: offsets in `waitForSleeper` count from here.
    public let start: WallInstant
    private let state: Mutex<State>

    public init(millisecondsSince1970: Int64 = 1_700_000_000_000) {
        start = WallInstant(millisecondsSince1970: millisecondsSince1970)
        state = Mutex(State(now: start))
    }

    public var now: WallInstant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }
    /// How many are asleep on this clock now.
    public var sleepers: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: WallInstant, tolerance: Duration?) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Checked under the lock that `onCancel` takes, so a cancellation is never missed.
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let cancelled = state.withLock { state in
                state.sleepers.firstIndex { $0.id == id }.map { state.sleepers.remove(at: $0) }
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock on, waking every sleeper whose deadline it passes.
    public func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { state in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits (up to two real minutes) until something sleeps until `offset` from the clock's start.
    public func waitForSleeper(until offset: Duration) async {
        let deadline = start.advanced(by: offset)
        await waitUntil { $0.contains { $0.deadline == deadline } }
    }

    /// Waits (up to two real minutes) until at least `count` sleep on the clock: what a test does
    /// before it advances the clock past what the code under test waits for.
    public func waitForSleepers(_ count: Int = 1) async {
        await waitUntil { $0.count >= count }
    }

    /// Long enough for a loaded machine running every suite at once (the code under test may take
    /// seconds to reach its sleep), short enough that a sleep never reached still ends the test.
    private func waitUntil(_ condition: ([Sleeper]) -> Bool) async {
        let giveUp = ContinuousClock.now + .seconds(120)
        while !state.withLock({ condition($0.sleepers) }), ContinuousClock.now < giveUp {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }
}
