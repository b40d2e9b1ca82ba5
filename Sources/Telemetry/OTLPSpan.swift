import Synchronization
public import Tracing

/// A span of `OTLPTracer`'s. It records only when the trace is sampled and spans are exported;
/// otherwise it still carries its place in the trace, so work it starts and calls it makes stay
/// in the caller's trace.
public final class OTLPSpan: Span {
    public let context: InstrumentationContext
    public let isRecording: Bool
    private let kind: SpanKind
    private let parentSpanID: UInt64?
    private let start: UInt64
    private let finish: @Sendable (FinishedSpan) -> Void
    private let state: Mutex<State>

    private struct State {
        var name: String
        var attributes = SpanAttributes()
        var status: SpanStatus?
        var events: [SpanEvent] = []
        var ended = false
    }

    init(
        name: String,
        kind: SpanKind,
        context: InstrumentationContext,
        parentSpanID: UInt64?,
        start: UInt64,
        isRecording: Bool,
        finish: @escaping @Sendable (FinishedSpan) -> Void
    ) {
        self.context = context
        self.kind = kind
        self.parentSpanID = parentSpanID
        self.start = start
        self.isRecording = isRecording
        self.finish = finish
        state = Mutex(State(name: name))
    }

    public var operationName: String {
        get { state.withLock { $0.name } }
        set { state.withLock { $0.name = newValue } }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set {
            guard isRecording else { return }
            state.withLock { $0.attributes = newValue }
        }
    }

    public func setStatus(_ status: SpanStatus) {
        guard isRecording else { return }
        state.withLock { $0.status = status }
    }

    public func addEvent(_ event: SpanEvent) {
        guard isRecording else { return }
        state.withLock { if $0.events.count < 32 { $0.events.append(event) } }
    }

    /// The error's description, as the logs show it; the errors here say nothing secret.
    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        guard isRecording else { return }
        var attributes = attributes
        attributes["exception.type"] = String(describing: type(of: error))
        attributes["exception.message"] = String(String(describing: error).prefix(1000))
        addEvent(SpanEvent(name: "exception", at: instant(), attributes: attributes))
    }

    public func addLink(_ link: SpanLink) {}

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        guard isRecording, let trace = context.trace else { return }
        let end = instant().nanosecondsSinceEpoch
        guard
            let finished = state.withLock({ state -> FinishedSpan? in
                guard !state.ended else { return nil }
                state.ended = true
                return FinishedSpan(
                    name: state.name,
                    kind: kind,
                    trace: trace,
                    parentSpanID: parentSpanID,
                    start: start,
                    end: max(end, start),
                    attributes: state.attributes.dictionary,
                    status: state.status,
                    events: state.events
                )
            })
        else { return }
        finish(finished)
    }
}
