import Synchronization

/// Lets long-polling readers of the change feed sleep until the job queue's sequence number moves
/// past what they have seen, or until their wait ends. Kept apart from `JobQueue` so a waiting
/// request holds no place on the actor.
final class ChangeSignal: Sendable {
    private struct State {
        var sequence: UInt64 = 0
        var closed = false
        var nextWaiter = 0
        var waiters: [Int: (after: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
    }

    private let state = Mutex(State())

    /// Readers waiting now (for tests and metrics).
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Records the queue's new sequence number and wakes every reader waiting for less.
    func advance(to sequence: UInt64) {
        let woken = state.withLock { state in
            state.sequence = sequence
            let due = state.waiters.filter { $0.value.after < sequence }
            for id in due.keys { state.waiters[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Wakes everyone and makes later waits return at once: the instance is shutting down, and a
    /// long poll must not hold up its graceful stop.
    func close() {
        let woken = state.withLock { state in
            state.closed = true
            defer { state.waiters = [:] }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once the sequence is past `after`, after `timeout`, or when the task is cancelled.
    func wait(after: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.changed(after: after) }
            await group.next()
            group.cancelAll()
        }
    }

    private func changed(after: UInt64) async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if state.closed || state.sequence > after || Task.isCancelled { return true }
                    state.waiters[id] = (after, continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: id)?.continuation }
            continuation?.resume()
        }
    }
}
