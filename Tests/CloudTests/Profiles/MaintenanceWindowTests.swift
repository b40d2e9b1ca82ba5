import Foundation
import Testing

@testable import cloud

/// When waves may start: days, times and time zones, across midnight and daylight saving.
@Suite("Maintenance windows")
struct MaintenanceWindowTests {
    /// A moment given as UTC text.
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("a weekend window in Berlin, summer and winter time")
    func berlinWeekend() throws {
        let window = try MaintenanceWindow(days: ["Sat", "Sun"], start: "02:00", end: "06:00", timeZone: "Europe/Berlin")
        #expect(window.contains(Self.at("2026-07-04T00:30:00Z")))  // Saturday 02:30 CEST
        #expect(!window.contains(Self.at("2026-07-03T23:30:00Z")))  // Saturday 01:30 CEST
        #expect(!window.contains(Self.at("2026-07-04T04:00:00Z")))  // Saturday 06:00 CEST: the end is out
        #expect(window.contains(Self.at("2026-12-05T04:59:00Z")))  // Saturday 05:59 CET
        #expect(!window.contains(Self.at("2026-12-07T02:00:00Z")))  // Monday 03:00 CET
    }

    @Test("an end before the start spans midnight and belongs to the day it started")
    func acrossMidnight() throws {
        let window = try MaintenanceWindow(days: ["Saturday"], start: "22:00", end: "04:00", timeZone: "UTC")
        #expect(window.contains(Self.at("2026-12-05T23:00:00Z")))  // Saturday 23:00
        #expect(window.contains(Self.at("2026-12-06T03:59:00Z")))  // Sunday 03:59, Saturday's window
        #expect(!window.contains(Self.at("2026-12-06T22:30:00Z")))  // Sunday 22:30
        #expect(!window.contains(Self.at("2026-12-05T03:00:00Z")))  // Saturday 03:00, Friday's would-be window
    }

    @Test("no days means every day")
    func everyDay() throws {
        let window = try MaintenanceWindow(days: [], start: "09:00", end: "17:00", timeZone: "America/New_York")
        #expect(window.contains(Self.at("2026-12-09T15:00:00Z")))  // Wednesday 10:00 EST
        #expect(!window.contains(Self.at("2026-12-09T23:00:00Z")))  // Wednesday 18:00 EST
    }
}
