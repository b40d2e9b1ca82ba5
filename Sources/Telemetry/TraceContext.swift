public import Instrumentation

/// Where a span sits in a trace, as W3C Trace Context's `traceparent` header carries it between
/// processes: `00-<32 hex trace ID>-<16 hex span ID>-<2 hex flags>`.
/// https://www.w3.org/TR/trace-context/#traceparent-header
public struct TraceContext: Sendable, Hashable {
    /// 128 bits, never all zero.
    public var traceID: (high: UInt64, low: UInt64)
    /// 64 bits, never zero: the span this context names.
    public var spanID: UInt64
    /// The caller asked for the trace to be recorded (flag 01).
    public var sampled: Bool

    public init(traceID: (high: UInt64, low: UInt64), spanID: UInt64, sampled: Bool) {
        self.traceID = traceID
        self.spanID = spanID
        self.sampled = sampled
    }

    /// A new trace's first span.
    public static func root(sampled: Bool = true) -> TraceContext {
        var random = SystemRandomNumberGenerator()
        return TraceContext(traceID: (random.nonZero(), random.next()), spanID: random.nonZero(), sampled: sampled)
    }

    /// A new span in the same trace.
    public func child() -> TraceContext {
        var random = SystemRandomNumberGenerator()
        return TraceContext(traceID: traceID, spanID: random.nonZero(), sampled: sampled)
    }

    /// Parses a `traceparent` value from anyone: nil unless it is exactly version 00's form (or a
    /// later version's first four fields, as the spec asks), with non-zero IDs.
    public init?(traceparent: String) {
        let fields = traceparent.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0].count == 2, fields[1].count == 32, fields[2].count == 16, fields[3].count == 2,
            let version = UInt8(fields[0], radix: 16), version != 0xff, version != 0 || fields.count == 4,
            fields.prefix(4).allSatisfy({ $0.allSatisfy(\.isHexDigit) && $0.lowercased() == $0 }),
            let high = UInt64(fields[1].prefix(16), radix: 16), let low = UInt64(fields[1].suffix(16), radix: 16),
            let span = UInt64(fields[2], radix: 16), let flags = UInt8(fields[3], radix: 16),
            high != 0 || low != 0, span != 0
        else { return nil }
        self.init(traceID: (high, low), spanID: span, sampled: flags & 1 == 1)
    }

    public var traceparent: String { "00-\(traceIDHex)-\(Self.hex(spanID))-\(sampled ? "01" : "00")" }
    public var traceIDHex: String { Self.hex(traceID.high) + Self.hex(traceID.low) }
    public var spanIDHex: String { Self.hex(spanID) }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    public static func == (a: TraceContext, b: TraceContext) -> Bool {
        a.traceID == b.traceID && a.spanID == b.spanID && a.sampled == b.sampled
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(traceID.high)
        hasher.combine(traceID.low)
        hasher.combine(spanID)
    }
}

extension RandomNumberGenerator {
    fileprivate mutating func nonZero() -> UInt64 {
        while true {
            let value: UInt64 = next()
            if value != 0 { return value }
        }
    }
}

/// The key under which an `InstrumentationContext` holds the current span's place.
enum TraceContextKey: InstrumentationContextKey {
    typealias Value = TraceContext
    static let nameOverride: String? = "trace-context"
}

extension InstrumentationContext {
    /// The current span's place in its trace; nil outside any span.
    public var trace: TraceContext? {
        get { self[TraceContextKey.self] }
        set { self[TraceContextKey.self] = newValue }
    }
}
