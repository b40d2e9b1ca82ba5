public import Logging
public import Tracing

/// The tracer both servers, the CLI and helm runs use: W3C trace context in and out (the
/// `traceparent` header), spans handed to an `OTLPExporter` when there is one. Without one, spans
/// record nothing but still carry the trace from the caller to whatever they call.
public struct OTLPTracer: Tracer {
    public typealias Span = OTLPSpan

    public let exporter: OTLPExporter?

    public init(exporter: OTLPExporter?) {
        self.exporter = exporter
    }

    /// A tracer that exports nothing.
    public static let off = OTLPTracer(exporter: nil)

    /// The tracer of `service`: exporting to `endpoint` (`--otel-endpoint`), or nothing when nil.
    /// Run its `exporter` as a service.
    public init(endpoint: String?, service: String, version: String, logger: Logger) throws(OTLPExporter.InvalidEndpoint) {
        self.exporter = try endpoint.map { endpoint throws(OTLPExporter.InvalidEndpoint) in
            try OTLPExporter(configuration: .init(endpoint: endpoint, service: service, version: version), logger: logger)
        }
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> InstrumentationContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> OTLPSpan {
        var context = context()
        let parent = context.trace
        let trace = parent?.child() ?? .root()
        context.trace = trace
        let exporter = exporter
        return OTLPSpan(
            name: operationName,
            kind: kind,
            context: context,
            parentSpanID: parent?.spanID,
            start: instant().nanosecondsSinceEpoch,
            isRecording: exporter != nil && trace.sampled,
            finish: { exporter?.add($0) }
        )
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let value = extractor.extract(key: "traceparent", from: carrier), value.utf8.count <= 128,
            let trace = TraceContext(traceparent: value)
        else { return }
        context.trace = trace
    }

    public func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let trace = context.trace else { return }
        injector.inject(trace.traceparent, forKey: "traceparent", into: &carrier)
    }

    /// The exporter sends what has ended every second, and everything at shutdown.
    public func forceFlush() {}
}
