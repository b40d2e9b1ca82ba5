import Logging
import ServerSupport
import ServiceLifecycle
import Synchronization
import UnixSignals

import struct Foundation.Data
import class Foundation.FileManager

/// Reads the API's token file again when it changes (looked at every `interval`, and at once on
/// SIGHUP) and puts its tokens in place: a token taken out stops working, and its holder's
/// sessions end, without a restart. A file that cannot be read, or holds a bad line, leaves the
/// tokens as they were and says why in the log, once per change.
final class TokenFileWatcher: Service, Sendable {
    let path: String
    let tokens: LiveTokens
    let interval: Duration
    let clock: any WallClock
    let logger: Logger
    /// The file's contents as last read, so an unchanged file is not parsed again.
    private let lastRead: Mutex<Data?>

    init(path: String, tokens: LiveTokens, interval: Duration = .seconds(5), clock: any WallClock = SystemClock(), logger: Logger) {
        self.path = path
        self.tokens = tokens
        self.interval = interval
        self.clock = clock
        self.logger = logger
        lastRead = Mutex(FileManager.default.contents(atPath: path))
    }

    func run() async throws {
        // Both loops end with the server (or the task): nothing is left to do then.
        try? await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) { self.reload() }
                }
                group.addTask {
                    while true {
                        try await self.clock.sleep(for: self.interval)
                        self.reload()
                    }
                }
            }
        }
    }

    /// Reads the file; when it changed, parses it and puts its tokens in place.
    func reload() {
        guard let contents = FileManager.default.contents(atPath: path) else {
            logger.error("the API token file cannot be read; the tokens stay as they were", metadata: ["path": "\(path)"])
            return
        }
        guard lastRead.withLock({ $0 }) != contents else { return }
        lastRead.withLock { $0 = contents }
        do {
            let entries = try TokenFile.entries(parsing: String(decoding: contents, as: UTF8.self), path: path)
            tokens.replace(with: APITokens(entries))
            logger.notice("the API token file was read again", metadata: ["path": "\(path)", "tokens": "\(entries.count)"])
        } catch {
            logger.error("the API token file was not read again; the tokens stay as they were", metadata: ["error": "\(error)"])
        }
    }
}
