import Foundation
import HTTPTypes
import Logging
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The API's token file read again while the server runs: a token taken out stops working without
/// a restart; a file that does not read leaves the tokens as they were.
@Suite("Token file, read again")
struct TokenFileWatcherTests {
    static let admin = "admin-token-0123456789", viewer = "viewer-token-0123456789"

    let path: String
    let tokens: LiveTokens
    let router: InProcessRouter<CloudRequestContext>

    init() async throws {
        path = try Testbed.makeScratchDirectory() + "/tokens"
        try "\(Self.admin)\n\(Self.viewer) viewer watcher\n".write(toFile: path, atomically: true, encoding: .utf8)
        tokens = LiveTokens(APITokens(try TokenFile.entries(path)))
        let cloud = try await InProcessCloud()
        router = try InProcessRouter(CloudServer.router(fleet: Fleet(supervisor: cloud.supervisor), apiTokens: tokens))
    }

    func status(_ token: String) async throws -> Int {
        try await router.request(.get, "/api/clusters", token: token).status
    }

    @Test("a token taken out of the file stops working at the next look, every interval of the clock")
    func removedTokenStops() async throws {
        let clock = ManualClock()
        let watcher = TokenFileWatcher(path: path, tokens: tokens, interval: .seconds(5), clock: clock, logger: Logger(label: "test"))
        #expect(try await status(Self.viewer) == 200)
        try "\(Self.admin)\n".write(toFile: path, atomically: true, encoding: .utf8)

        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await watcher.run() }
            await clock.waitForSleepers()
            clock.advance(by: .seconds(5))
            let stopped = try await eventually { try await status(Self.viewer) == 401 }
            #expect(stopped)
            group.cancelAll()
        }
        #expect(try await status(Self.admin) == 200)
    }

    @Test("a file with a bad line, or none, leaves the tokens as they were")
    func badFileKeepsTokens() async throws {
        let watcher = TokenFileWatcher(path: path, tokens: tokens, logger: Logger(label: "test"))
        try "\(Self.admin)\nshort\n".write(toFile: path, atomically: true, encoding: .utf8)
        watcher.reload()
        #expect(try await status(Self.viewer) == 200)
        try FileManager.default.removeItem(atPath: path)
        watcher.reload()
        #expect(try await status(Self.viewer) == 200)

        try "\(Self.admin)\n".write(toFile: path, atomically: true, encoding: .utf8)
        watcher.reload()
        #expect(try await status(Self.viewer) == 401, "a good file after them is read")
    }
}
