import Foundation

/// Go's `time.Time` in JSON: RFC 3339 with up to nine fractional digits and a `Z` or `±hh:mm` zone.
enum RFC3339 {
    static func date(_ text: String) -> Date? {
        guard let match = text.wholeMatch(of: /(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)/),
            let year = Int(match.1), let month = Int(match.2), let day = Int(match.3),
            let hour = Int(match.4), let minute = Int(match.5), let second = Int(match.6)
        else { return nil }
        var offset = 0
        let zone = match.8
        if zone != "Z" && zone != "z" {
            let sign = zone.hasPrefix("-") ? -1 : 1
            let parts = zone.dropFirst().split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { return nil }
            offset = sign * (parts[0] * 3600 + parts[1] * 60)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let base = calendar.date(from: components) else { return nil }
        let fraction = match.7.flatMap { Double("0" + $0) } ?? 0
        return base.addingTimeInterval(fraction - Double(offset))
    }

    /// To the second, in UTC, as logs and messages show it.
    static func string(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// Kubernetes' `MicroTime` (a Lease's `renewTime`): UTC with six fractional digits.
    static func microseconds(_ date: Date) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down)
        let micros = Int((date.timeIntervalSince1970 - whole) * 1_000_000)
        let seconds = Date(timeIntervalSince1970: whole).formatted(.iso8601).dropLast()  // ...ssZ without the Z
        return "\(seconds).\(String(format: "%06d", micros))Z"
    }
}
