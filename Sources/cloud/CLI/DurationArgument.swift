import ArgumentParser
import ServerSupport

/// A duration as people type it on every command: Go's (`90s`, `10m`, `1h30m`), or bare seconds
/// (`600`), which is what the Go tool's seconds flags took.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration
    /// As typed, for messages ("still running after 10m").
    var text: String

    init?(argument: String) {
        if let seconds = Int(argument), seconds >= 0 {
            duration = .seconds(seconds)
        } else if let parsed = try? GoDuration.parse(argument) {
            duration = parsed
        } else {
            return nil
        }
        text = argument
    }

    /// Whole seconds, as the API's `...Seconds` fields take them.
    var seconds: Int { Int(duration.components.seconds) }

    var defaultValueDescription: String { text }

    static var defaultCompletionKind: CompletionKind { .default }
}
