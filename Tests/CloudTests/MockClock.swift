import Internal
import Synchronization

@testable import cloud

/// A wall clock that moves only when a test says so (as Hummingbird tests its state machines):
/// transitions that depend on time are tested without sleeping.
final class MockClock: Sendable {
    private let milliseconds: Mutex<Int64>

    init(now: Int64 = 1_700_000_000_000) {
        milliseconds = Mutex(now)
    }

    var now: Int64 { milliseconds.withLock { $0 } }

    func advance(by duration: Duration) {
        milliseconds.withLock { $0 += duration.milliseconds }
    }

    var clock: DeploymentLifecycle.Clock { DeploymentLifecycle.Clock { self.now } }
}
