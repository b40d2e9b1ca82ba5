import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Internal

/// The EKS token file is rewritten well before the token expires, for as long as the operation
/// runs and no longer; time comes from a clock the test moves.
@Suite("Token file refresher")
struct TokenFileRefresherTests {
    /// Hands out "token-1", "token-2", ...; fails the calls listed in `failing`.
    final class Tokens: Sendable {
        let count = Atomic<Int>(0)
        let failing: Set<Int>
        init(failing: Set<Int> = []) { self.failing = failing }
        struct Unavailable: Error {}
        func next() throws -> String {
            let call = count.add(1, ordering: .relaxed).newValue
            if failing.contains(call) { throw Unavailable() }
            return "token-\(call)"
        }
    }

    func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    @Test("writes a 0600 token file, rewrites it every three minutes, and stops when the operation ends")
    func refreshesBeforeExpiry() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let clock = ManualClock()
        let tokens = Tokens()
        let refresher = TokenFileRefresher(clock: clock, logger: Logger(label: "test"))

        let path = try await PrivateWorkspace.with(in: scratch) { workspace in
            try await refresher.run(in: workspace, file: "eks-token", token: { try tokens.next() }) { path in
                #expect(contents(path) == "token-1")
                #expect((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)

                await clock.waitForSleeper(until: .seconds(180))
                clock.advance(by: .seconds(179))
                #expect(contents(path) == "token-1")
                clock.advance(by: .seconds(1))
                await clock.waitForSleeper(until: .seconds(360))
                #expect(contents(path) == "token-2")
                clock.advance(by: .seconds(180))
                await clock.waitForSleeper(until: .seconds(540))
                #expect(contents(path) == "token-3")
                return path
            }
        }

        #expect(clock.sleepers == 0, "the refresher ended with the operation")
        #expect(!FileManager.default.fileExists(atPath: path))
        let made = tokens.count.load(ordering: .relaxed)
        #expect(made == 3)
    }

    @Test("a failed refresh keeps the current token and is retried after 30 seconds")
    func retriesAfterFailure() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let clock = ManualClock()
        let tokens = Tokens(failing: [2])
        let refresher = TokenFileRefresher(clock: clock, logger: Logger(label: "test"))

        try await PrivateWorkspace.with(in: scratch) { workspace in
            try await refresher.run(in: workspace, file: "eks-token", token: { try tokens.next() }) { path in
                await clock.waitForSleeper(until: .seconds(180))
                clock.advance(by: .seconds(180))
                await clock.waitForSleeper(until: .seconds(210))
                #expect(contents(path) == "token-1")
                clock.advance(by: .seconds(30))
                await clock.waitForSleeper(until: .seconds(390))
                #expect(contents(path) == "token-3")
            }
        }
    }

    @Test("no first token, no operation: the error is the caller's")
    func firstTokenFails() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let refresher = TokenFileRefresher(clock: ManualClock(), logger: Logger(label: "test"))
        let ran = Atomic<Bool>(false)

        await #expect(throws: Tokens.Unavailable.self) {
            try await PrivateWorkspace.with(in: scratch) { workspace in
                try await refresher.run(in: workspace, file: "eks-token", token: { throw Tokens.Unavailable() }) { _ in
                    ran.store(true, ordering: .relaxed)
                }
            }
        }
        let bodyRan = ran.load(ordering: .relaxed)
        #expect(!bodyRan)
    }
}

/// A clock that moves only when told: sleepers wake when `advance` passes their deadline.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var id: UUID
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
    }

    private let state = Mutex(State())

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }
    var sleepers: Int { state.withLock { $0.sleepers.count } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = UUID()
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

    func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { state in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for waiter in due { waiter.continuation.resume() }
    }

    /// Waits (up to ten real seconds) until something sleeps until `offset` from the clock's start.
    func waitForSleeper(until offset: Duration) async {
        let giveUp = ContinuousClock.now + .seconds(10)
        while !state.withLock({ $0.sleepers.contains { $0.deadline.offset == offset } }), ContinuousClock.now < giveUp {
            await Task.yield()
        }
    }
}
