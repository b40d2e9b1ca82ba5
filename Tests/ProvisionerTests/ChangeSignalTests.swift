import TestSupport
import Testing

@testable import provisioner

/// Long-polling readers of the change feed sleep until something newer than they have seen exists.
@Suite("Change signal")
struct ChangeSignalTests {
    // Ten minutes against an hour's wait: a full parallel run on two cores has kept the cooperative
    // pool's two threads busy for over a minute (see below).
    @Test("a waiting reader is woken by a newer sequence, long before its wait ends", .timeLimit(.minutes(10)))
    func wokenByAdvance() async {
        let signal = ChangeSignal()
        let reader = Task { await signal.wait(after: 0, timeout: .seconds(3600)) }
        await Self.until { signal.waiting == 1 }

        signal.advance(to: 1)

        await reader.value
        #expect(signal.waiting == 0)
    }

    @Test("a reader that has seen the latest sequence goes on waiting when nothing newer comes")
    func notWokenByWhatItHasSeen() async {
        let signal = ChangeSignal()
        signal.advance(to: 5)
        let reader = Task { await signal.wait(after: 5, timeout: .seconds(3600)) }
        await Self.until { signal.waiting == 1 }

        signal.advance(to: 5)

        #expect(signal.waiting == 1)
        reader.cancel()
        await reader.value
        #expect(signal.waiting == 0)
    }

    // Ten minutes, not one: the readers are tasks of a cooperative pool of two threads that a full
    // parallel run on two cores keeps busy (seen taking over a minute to start them); the wait
    // that must not sleep is an hour.
    @Test("closing wakes every reader and later waits return at once", .timeLimit(.minutes(10)))
    func closeWakesAll() async {
        let signal = ChangeSignal()
        let readers = (0..<3).map { _ in Task { await signal.wait(after: 0, timeout: .seconds(3600)) } }
        await Self.until { signal.waiting == 3 }

        signal.close()

        for reader in readers { await reader.value }
        #expect(signal.waiting == 0, "every reader woke")
        // Returns within the time limit, not after its hour: the test fails otherwise.
        await signal.wait(after: 0, timeout: .seconds(3600))
        #expect(signal.waiting == 0, "a wait on a closed signal never sleeps")
    }

    static func until(_ condition: () -> Bool) async {
        #expect(await eventually(timeout: .seconds(120), condition), "the readers never began waiting")
    }
}
