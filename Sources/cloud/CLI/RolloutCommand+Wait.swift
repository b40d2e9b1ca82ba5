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
        @Option(help: "Give up after this long, e.g. 1h (or seconds).") var timeout = DurationArgument(argument: "1h")!
        @Flag(help: "Show progress while waiting.") var watch = false
        @Option(
            name: .customLong("for"),
            help: ArgumentHelp(
                "Return as soon as the rollout is in this state (e.g. waiting-approval, paused), as kubectl wait --for does; exit 1 if it ends in another.",
                valueName: "state"
            )
        )
        var state: RolloutState?

        func run() async throws {
            let deadline = ContinuousClock.now + timeout.duration
            let client = try options.client
            let terminal = isatty(FileHandle.standardError.fileDescriptor) == 1
            var last = ""
            // Taken before the first read, so no change between the two is missed.
            var cursor = await client.eventCursor()
            while true {
                let data = try await client.call("GET", "/api/rollout/\(CLIClient.segment(rollout))")
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
                if let wanted = self.state, state == wanted {
                    if watch, terminal { FileHandle.standardError.write(Data("\n".utf8)) }
                    return try RolloutPrinter.print(data, output: options.output)
                }
                if state.isFinal || state == .halted {
                    if watch, terminal { FileHandle.standardError.write(Data("\n".utf8)) }
                    try RolloutPrinter.print(data, output: options.output)
                    if let wanted = self.state {
                        throw CLIClient.Failure(description: "rollout \(rollout) is \(state.rawValue), and will not be \(wanted.rawValue)")
                    }
                    guard state == .succeeded else {
                        throw CLIClient.Failure(
                            description: "rollout \(rollout) \(state == .halted ? "halted" : "ended \(state.rawValue)")"
                                + (view.rollout.error.map { ": \($0)" } ?? "")
                        )
                    }
                    return
                }
                guard ContinuousClock.now < deadline else {
                    throw CLIClient.Failure(description: "rollout \(rollout) still \(state.rawValue) after \(timeout.text)")
                }
                cursor = try await client.change(of: rollout, after: cursor, by: deadline)
            }
        }
    }
}

extension RolloutState: ExpressibleByArgument {}
