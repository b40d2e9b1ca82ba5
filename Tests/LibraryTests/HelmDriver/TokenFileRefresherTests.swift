import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import HelmDriver

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
