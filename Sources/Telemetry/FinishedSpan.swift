public import Tracing

/// A span once it has ended: what the exporter sends.
public struct FinishedSpan: Sendable {
    public var name: String
    public var kind: SpanKind
    public var trace: TraceContext
    /// The span this one ran under; nil for a trace's root.
    public var parentSpanID: UInt64?
    public var start: UInt64
    public var end: UInt64
    public var attributes: [String: SpanAttribute]
    public var status: SpanStatus?
    public var events: [SpanEvent]
}

extension SpanAttributes {
    /// The attributes as a dictionary: `SpanAttributes` offers only `forEach` to read them all.
    var dictionary: [String: SpanAttribute] {
        var dictionary: [String: SpanAttribute] = [:]
        // swift-format-ignore: ReplaceForEachWithForLoop
        forEach { dictionary[$0] = $1 }
        return dictionary
    }
}
