import Testing

@testable import Telemetry

/// `traceparent` as W3C Trace Context defines it, from callers that may send anything.
@Suite("Trace context")
struct TraceContextTests {
    @Test("the specification's example parses and prints back unchanged")
    func specificationExample() throws {
        let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let trace = try #require(TraceContext(traceparent: header))
        #expect(trace.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(trace.spanIDHex == "00f067aa0ba902b7")
        #expect(trace.sampled)
        #expect(trace.traceparent == header)
    }

    @Test(
        "anything else is refused: upper case, zero IDs, wrong lengths, version ff, extra fields on version 00",
        arguments: [
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bg-01", "",
        ]
    )
    func refused(_ header: String) {
        #expect(TraceContext(traceparent: header) == nil)
    }

    @Test("a later version's first four fields are read, as the specification asks of a version 00 reader")
    func laterVersion() throws {
        let trace = try #require(TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-what-comes-next"))
        #expect(!trace.sampled)
        #expect(trace.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
    }

    @Test("a child keeps the trace and its sampling, with a span ID of its own")
    func child() {
        let root = TraceContext.root()
        let child = root.child()
        #expect(child.traceID == root.traceID && child.sampled == root.sampled)
        #expect(child.spanID != root.spanID && child.spanID != 0)
    }
}
