import Foundation
import Logging
import TestSupport
import Testing
import Tracing

@testable import Telemetry

/// The exporter's bounds: a collector that is gone or slow costs spans, never memory or the work.
@Suite("OTLP exporter")
struct OTLPExporterTests {
    func span(_ name: String) -> FinishedSpan {
        FinishedSpan(name: name, kind: .internal, trace: .root(), parentSpanID: nil, start: 1, end: 2, attributes: [:], status: nil, events: [])
    }

    func exporter(_ endpoint: String, queueLimit: Int = 8192) throws -> OTLPExporter {
        var configuration = OTLPExporter.Configuration(endpoint: endpoint, service: "test", version: "0")
        configuration.queueLimit = queueLimit
        // What is tested is what arrives, not how long a loaded host takes to deliver it.
        configuration.timeout = .seconds(60)
        return try OTLPExporter(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test("spans beyond the queue's bound are dropped and counted")
    func boundedQueue() throws {
        let exporter = try exporter("http://127.0.0.1:9", queueLimit: 3)
        for index in 0..<5 { exporter.add(span("s\(index)")) }
        #expect(exporter.droppedSpans == 2)
    }

    @Test("spans a collector that is down cannot take are dropped, and the next export starts afresh")
    func collectorDown() async throws {
        let exporter = try exporter("http://127.0.0.1:\(Testbed.freePort())")
        for index in 0..<3 { exporter.add(span("s\(index)")) }
        await exporter.flush()
        #expect(exporter.droppedSpans == 3)
        await exporter.flush()
        #expect(exporter.droppedSpans == 3)
    }

    @Test("spans reach the collector as OTLP JSON, one request per flush")
    func delivered() async throws {
        let receiver = try await OTLPReceiver()
        let exporter = try exporter(receiver.endpoint + "/")
        let tracer = OTLPTracer(exporter: exporter)
        tracer.withSpan("parent", ofKind: .server) { span in
            span.attributes["k"] = "v"
            tracer.withSpan("child") { _ in }
        }
        await exporter.flush()
        let spans = receiver.spans
        #expect(spans.map(\.name).sorted() == ["child", "parent"])
        let parent = try #require(spans.first { $0.name == "parent" })
        #expect(spans.first { $0.name == "child" }?.parentSpanID == parent.spanID)
        #expect(parent.kind == 2 && parent.attributes["k"] == "v" && parent.service == "test")
    }

    @Test("an endpoint that is not an http(s) URL is refused, naming the flag")
    func invalidEndpoint() {
        #expect(throws: OTLPExporter.InvalidEndpoint.self) { try exporter("collector:4318") }
        #expect(throws: OTLPExporter.InvalidEndpoint.self) { try exporter("file:///etc/passwd") }
    }
}
