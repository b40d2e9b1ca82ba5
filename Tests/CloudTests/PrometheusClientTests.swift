import Foundation
import TestSupport
import Testing

@testable import cloud

/// Instant queries against Debian's Prometheus server, as a rollout's analysis reads it.
@Suite("Prometheus queries", .tags(.integration), .skippedInFastRuns)
struct PrometheusClientTests {
    /// A server scraping nothing (the queries compute their own values), stopped after `body`.
    func withPrometheus(_ body: (PrometheusClient) async throws -> Void) async throws {
        let server = try await LocalPrometheus.start(scratch: try Testbed.makeScratchDirectory(), jobs: [:])
        defer { server.stop() }
        try await body(PrometheusClient(baseURL: server.baseURL))
    }

    @Test("a query's value comes back per series with its labels, a scalar as one sample without, no series as no data")
    func values() async throws {
        try await withPrometheus { prometheus in
            #expect(try await prometheus.query("vector(0.25)") == [.init(labels: [:], value: 0.25)])
            #expect(try await prometheus.query("scalar(vector(3)) + 1") == [.init(labels: [:], value: 4)], "a + stays a +")
            let labelled = try await prometheus.query(#"label_replace(vector(0.5), "cluster", "edge-1", "", "") > 0.1"#)
            #expect(labelled == [.init(labels: ["cluster": "edge-1"], value: 0.5)])
            #expect(try await prometheus.query(#"max(app_error_ratio{cluster="edge-1"})"#).isEmpty, "no series: no data")
        }
    }

    @Test("a malformed query is refused with Prometheus's own parse error; a range vector is refused too")
    func refusedQueries() async throws {
        try await withPrometheus { prometheus in
            do {
                _ = try await prometheus.query("max(")
                Issue.record("a malformed query was taken")
            } catch {
                guard case .badQuery(let message)? = error as? PrometheusClient.Failure else {
                    Issue.record("\(error)")
                    return
                }
                #expect(message.contains("parse error"), "\(message)")
            }
            await #expect(throws: PrometheusClient.Failure.self) { try await prometheus.query("prometheus_build_info[5m]") }
        }
    }

    @Test("no answer, or one over the size bound, is a failure that says so")
    func unavailable() async throws {
        let closed = PrometheusClient(baseURL: "http://127.0.0.1:\(Testbed.freePort())", timeout: .seconds(2))
        await #expect(throws: PrometheusClient.Failure.self) { try await closed.query("vector(1)") }
        try await withPrometheus { prometheus in
            var bounded = prometheus
            bounded.maxResponseBytes = 16
            do {
                _ = try await bounded.query("vector(1)")
                Issue.record("an answer over the bound was read")
            } catch {
                guard case .unavailable? = error as? PrometheusClient.Failure else {
                    Issue.record("\(error)")
                    return
                }
            }
        }
    }

    @Test("values are read as Prometheus writes them, NaN and infinities included; errors by their type")
    func envelope() throws {
        let body =
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1,"NaN"]},{"metric":{},"value":[1,"+Inf"]}]}}"#
        let samples = try PrometheusClient.samples(status: 200, body: Data(body.utf8))
        #expect(samples.count == 2 && samples[0].value.isNaN && samples[1].value == .infinity)
        let timeout = #"{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}"#
        #expect(throws: PrometheusClient.Failure.unavailable("query timed out in expression evaluation")) {
            try PrometheusClient.samples(status: 503, body: Data(timeout.utf8))
        }
        #expect(throws: PrometheusClient.Failure.self) { try PrometheusClient.samples(status: 200, body: Data("<html>".utf8)) }
    }
}
