import Dispatch
import Synchronization

/// A few libpq connections, so store calls do not queue behind one another, each used by one
/// caller at a time. libpq blocks for a whole network round trip (or a row lock held by another
/// server), so every call runs on its connection's own dispatch queue instead of tying up a
/// thread of the Swift cooperative pool, which has only as many threads as cores.
final class PostgresPool: Sendable {
    let url: String
    private let state: Mutex<State>

    private struct State {
        var idle: [Slot]
        var waiting: [CheckedContinuation<Slot, Never>] = []
    }

    /// A place for one connection, opened on first use and reopened after the server went away.
    private final class Slot: @unchecked Sendable {
        let executor: QueueExecutor
        // Only touched by the task that has checked the slot out, on `executor`.
        var connection: PostgresConnection?

        init(_ index: Int) { executor = QueueExecutor(label: "cloud.postgres.\(index)") }
    }

    init(url: String, size: Int) {
        self.url = url
        state = Mutex(State(idle: (0..<max(1, size)).map(Slot.init)))
    }

    /// Runs `body` with a connection of its own, off the cooperative pool.
    @discardableResult
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) async throws -> T {
        let slot = await checkOut()
        defer { checkIn(slot) }
        return try await withTaskExecutorPreference(slot.executor) {
            let connection: PostgresConnection
            if let open = slot.connection {
                try open.prepareForUse()
                connection = open
            } else {
                connection = try PostgresConnection(url: url)
                slot.connection = connection
            }
            return try body(connection)
        }
    }

    private func checkOut() async -> Slot {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if let slot = state.idle.popLast() {
                    continuation.resume(returning: slot)
                } else {
                    state.waiting.append(continuation)
                }
            }
        }
    }

    private func checkIn(_ slot: Slot) {
        state.withLock { state in
            if state.waiting.isEmpty {
                state.idle.append(slot)
            } else {
                state.waiting.removeFirst().resume(returning: slot)
            }
        }
    }
}

/// Runs a task's jobs on one serial dispatch queue: a thread that may block without starving the
/// cooperative pool.
final class QueueExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
