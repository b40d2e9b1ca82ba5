import ArgumentParser
import FleetAPI
import Foundation
import ServerSupport

extension RolloutCommand {
    struct Wait: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait until a rollout is over; exit 0 only if it succeeded.",
            discussion:
                "It follows the server's event stream, so each change shows at once. With --watch, progress goes to stderr: a bar on a terminal, a line per change otherwise."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "The rollout ID.") var rollout: String
        @Option(help: "Give up after this long, e.g. 1h.") var timeout = "1h"
        @Flag(help: "Show progress while waiting.") var watch = false

        func run() async throws {
            let limit: Duration
            do { limit = try GoDuration.parse(timeout) } catch { throw ValidationError("--timeout: \(error)") }
            let deadline = ContinuousClock.now + limit
            let client = try options.client
            let terminal = isatty(FileHandle.standardError.fileDescriptor) == 1
            var last = ""
            // Taken before the first read, so no change between the two is missed.
            var cursor = await client.eventCursor()
            while true {
                let data = try await client.call("GET", "/api/rollout/\(RolloutPrinter.escaped(rollout))")
                let view = try WireJSON.decoder().decode(RolloutPrinter.View.self, from: data)
                if watch {
                    let line = RolloutPrinter.progress(view)
                    if terminal {
                        FileHandle.standardError.write(Data("\r\u{1B}[K\(RolloutPrinter.bar(view)) \(line)".utf8))
                    } else if line != last {
                        FileHandle.standardError.write(Data("\(line)\n".utf8))
                    }
                    last = line
                }
                let state = view.rollout.state
                if state.isFinal || state == .halted {
                    if watch, terminal { FileHandle.standardError.write(Data("\n".utf8)) }
                    try RolloutPrinter.print(data, output: options.output)
                    guard state == .succeeded else {
                        throw CLIClient.Failure(
                            description: "rollout \(rollout) \(state == .halted ? "halted" : "ended \(state.rawValue)")"
                                + (view.rollout.error.map { ": \($0)" } ?? "")
                        )
                    }
                    return
                }
                guard ContinuousClock.now < deadline else {
                    throw CLIClient.Failure(description: "rollout \(rollout) still \(state.rawValue) after \(timeout)")
                }
                cursor = try await client.change(of: rollout, after: cursor, by: deadline)
            }
        }
    }
}
