public import Foundation

/// A moment as the cloud server records it: time since 1970, kept in milliseconds in records
/// (the Go tool's unit), with `Duration` arithmetic.
public struct WallInstant: InstantProtocol, Sendable, Hashable {
    /// Time since 1970-01-01T00:00:00Z.
    public var sinceEpoch: Duration

    public init(sinceEpoch: Duration) {
        self.sinceEpoch = sinceEpoch
    }

    public init(millisecondsSince1970 milliseconds: Int64) {
        sinceEpoch = .milliseconds(milliseconds)
    }

    public init(_ date: Date) {
        sinceEpoch = .milliseconds(Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    public var millisecondsSince1970: Int64 {
        let (seconds, attoseconds) = sinceEpoch.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

    public func advanced(by duration: Duration) -> WallInstant { WallInstant(sinceEpoch: sinceEpoch + duration) }
    public func duration(to other: WallInstant) -> Duration { other.sinceEpoch - sinceEpoch }
    public static func < (lhs: WallInstant, rhs: WallInstant) -> Bool { lhs.sinceEpoch < rhs.sinceEpoch }
    public static func + (lhs: WallInstant, rhs: Duration) -> WallInstant { lhs.advanced(by: rhs) }
    public static func - (lhs: WallInstant, rhs: WallInstant) -> Duration { rhs.duration(to: lhs) }
}

/// The clocks a server runs on: tells the wall time its records carry and sleeps until a
/// moment. `SystemClock` in production; tests pass a clock they move (`ManualClock` in
/// TestSupport), so what waits on time is tested without waiting. Passed in, never read from
/// a global.
public protocol WallClock: Clock, Sendable where Instant == WallInstant, Duration == Swift.Duration {}

extension WallClock {
    /// Now, in the records' unit.
    public var millisecondsSince1970: Int64 { now.millisecondsSince1970 }
}

/// The system's wall clock. A sleep is measured on the continuous clock, so a wall clock that
/// is stepped (NTP) neither cuts it short nor stretches it.
public struct SystemClock: WallClock {
    public init() {}

    public var now: WallInstant { WallInstant(Date()) }
    public var minimumResolution: Duration { .milliseconds(1) }

    public func sleep(until deadline: WallInstant, tolerance: Duration?) async throws {
        let left = now.duration(to: deadline)
        guard left > .zero else { return try Task.checkCancellation() }
        try await Task.sleep(for: left, tolerance: tolerance)
    }
}
