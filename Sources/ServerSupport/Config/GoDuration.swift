/// Durations written as Go and the Go tool's flags write them: "90s", "10m", "1h30m", "500ms".
public enum GoDuration {
    public struct Invalid: Error, CustomStringConvertible {
        public var text: String
        public var description: String { "invalid duration \"\(text)\" (use e.g. 30s, 10m, 1h)" }
    }

    public static func parse(_ text: String) throws(Invalid) -> Duration {
        guard let match = text.wholeMatch(of: /(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?/),
            !text.isEmpty
        else { throw Invalid(text: text) }
        let (_, hours, minutes, seconds, milliseconds) = match.output
        func number(_ part: Substring?) -> Int64 { part.flatMap { Int64($0) } ?? 0 }
        return .seconds(number(hours) * 3600 + number(minutes) * 60 + number(seconds)) + .milliseconds(number(milliseconds))
    }

    public static func format(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds % 3600 == 0, seconds > 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0, seconds > 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
