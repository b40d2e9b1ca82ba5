import Foundation

/// When a profile's waves may start: on `days`, from `start` to `end` local time in `timeZone`
/// (an IANA name; the time zone database decides daylight saving). An `end` at or before `start`
/// spans midnight, and then belongs to the day it started on: `{days: [Sat], start: "22:00",
/// end: "04:00"}` is Saturday 22:00 to Sunday 04:00.
struct MaintenanceWindow: Sendable, Equatable {
    /// 1 = Sunday ... 7 = Saturday, as `Calendar` numbers weekdays; empty: every day.
    var days: Set<Int>
    /// Minutes after midnight.
    var start: Int
    var end: Int
    var timeZone: TimeZone
    /// As the profile names it: Foundation reads "UTC" as the zone it calls "GMT".
    var timeZoneName: String

    static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    struct Invalid: Error, CustomStringConvertible {
        var field: String
        var description: String
    }

    init(days: [String], start: String, end: String, timeZone: String) throws(Invalid) {
        var numbers: Set<Int> = []
        for day in days {
            guard let index = Self.dayNames.firstIndex(where: { $0.caseInsensitiveCompare(day.prefix(3)) == .orderedSame }),
                day.count == 3 || Self.fullName(index).caseInsensitiveCompare(day) == .orderedSame
            else {
                throw Invalid(field: "window.days", description: "window.days: \"\(day)\" is not a day (Mon ... Sun)")
            }
            numbers.insert(index + 1)
        }
        guard let zone = TimeZone(identifier: timeZone) else {
            throw Invalid(field: "window.timeZone", description: "window.timeZone: \"\(timeZone)\" is not a time zone name (e.g. Europe/Berlin, UTC)")
        }
        self.days = numbers
        self.start = try Self.minutes(start, field: "window.start")
        self.end = try Self.minutes(end, field: "window.end")
        self.timeZone = zone
        timeZoneName = timeZone
    }

    /// Whether a wave may start at `date`.
    func contains(_ date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        let now = hour * 60 + minute
        let today = days.isEmpty || days.contains(weekday)
        if start < end { return today && now >= start && now < end }
        // Across midnight: the evening part is today's window, the morning part yesterday's.
        let yesterday = days.isEmpty || days.contains(weekday == 1 ? 7 : weekday - 1)
        return (today && now >= start) || (yesterday && now < end)
    }

    private static func fullName(_ index: Int) -> String {
        ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][index]
    }

    private static func minutes(_ text: String, field: String) throws(Invalid) -> Int {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...23).contains(hour) || (hour == 24 && minute == 0), (0...59).contains(minute)
        else {
            throw Invalid(field: field, description: "\(field): \"\(text)\" is not a time of day (HH:MM, 00:00 to 24:00)")
        }
        return hour * 60 + minute
    }
}
