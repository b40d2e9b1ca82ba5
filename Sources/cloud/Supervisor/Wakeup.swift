import ServerSupport
import ServiceLifecycle

/// A nudge for a background task: many `wake()` calls before it looks make one wake-up.
final class Wakeup: Sendable {
    let wakeups: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func wake() { continuation.yield() }

    /// Runs `pass` at once, then after every wake-up and every `interval` on `clock`, one pass at
    /// a time, until graceful shutdown: the loop of a task that works on changes and on a timer.
    /// `onTimer` runs when the timer, not a change, wakes it.
    func serve(every interval: Duration, clock: any WallClock, onTimer: @escaping @Sendable () -> Void = {}, _ pass: () async -> Void) async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                while (try? await clock.sleep(for: interval)) != nil {
                    onTimer()
                    self.wake()
                }
            }
            wake()
            for await _ in wakeups.cancelOnGracefulShutdown() {
                await pass()
            }
            group.cancelAll()
        }
    }
}
