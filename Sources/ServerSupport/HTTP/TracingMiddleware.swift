import HTTPTypes
public import Hummingbird
public import Telemetry
import Tracing

/// A server span for each request, in the caller's trace when it sent a valid `traceparent`
/// (anything else starts a new trace: the header comes from anyone). Named by the route pattern,
/// not the path, so span names stay few. Handlers find the span's place in
/// `InstrumentationContext.current` and pass it on.
public struct TracingMiddleware<Context: RequestContext>: RouterMiddleware {
    let tracer: OTLPTracer

    public init(tracer: OTLPTracer) {
        self.tracer = tracer
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var parent = InstrumentationContext.topLevel
        if let value = request.headers[.traceparent], value.utf8.count <= 128, let trace = TraceContext(traceparent: value) {
            parent.trace = trace
        }
        let name = "\(request.method.rawValue) \(context.endpointPath ?? "unmatched")"
        return try await tracer.withSpan(name, context: parent, ofKind: .server) { span in
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["http.route"] = context.endpointPath
            let response = try await next(request, context)
            span.attributes["http.response.status_code"] = Int64(response.status.code)
            if response.status.kind == .serverError { span.setStatus(SpanStatus(code: .error)) }
            return response
        }
    }
}

extension HTTPField.Name {
    /// W3C Trace Context: https://www.w3.org/TR/trace-context/#traceparent-header
    public static let traceparent = HTTPField.Name("traceparent")!
}
