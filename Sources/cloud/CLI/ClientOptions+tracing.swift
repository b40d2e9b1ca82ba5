import FleetAPI
import Foundation
import Logging
import ServerSupport
import Telemetry
import Tracing

extension ClientOptions {
    /// Runs a command's calls in one span named `name`, so the server's work joins its trace
    /// (each request carries `traceparent`). A `TRACEPARENT` variable (as CI systems and
    /// `otel-cli` set it) puts the command inside an outer trace. With --otel-endpoint the span is
    /// also sent, before the command exits.
    func traced<T>(_ name: String, _ body: (CLIClient) async throws -> T) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        let endpoint = otelEndpoint ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        let tracer = try OTLPTracer(
            endpoint: endpoint,
            service: "cloud-cli",
            version: BuildInfo.version,
            logger: StructuredLogHandler.logger(label: "cloud", format: .text, level: .warning)
        )
        var parent = InstrumentationContext.topLevel
        parent.trace = environment["TRACEPARENT"].flatMap(TraceContext.init(traceparent:))
        let client = try self.client
        let result: Result<T, any Error>
        do {
            result = .success(try await tracer.withSpan(name, context: parent, ofKind: .client) { _ in try await body(client) })
        } catch {
            result = .failure(error)
        }
        await tracer.exporter?.flush()
        return try result.get()
    }
}
