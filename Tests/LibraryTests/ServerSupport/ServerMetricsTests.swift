import CoreMetrics
import ServerSupport
import Testing

/// What a server's metrics value records and how it renders it.
@Suite("Server metrics")
struct ServerMetricsTests {
    @Test("Hummingbird's request series get Prometheus names: counters end in _total, durations in _seconds")
    func prometheusNames() {
        let metrics = ServerMetrics()
        let dimensions = [("http.route", "/healthz"), ("http.request.method", "GET"), ("http.response.status_code", "200")]
        Counter(label: "hb.requests", dimensions: dimensions, factory: metrics.factory).increment()
        Timer(label: "http.server.request.duration", dimensions: dimensions, factory: metrics.factory).recordMilliseconds(3)

        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        let healthz = #"{http_route="/healthz",http_request_method="GET",http_response_status_code="200"}"#
        #expect(text.contains("http_server_requests_total\(healthz) 1"))
        #expect(text.contains("http_server_request_duration_seconds_count\(healthz) 1"))
        #expect(text.contains("# TYPE http_server_request_duration_seconds histogram"))
    }

    @Test("each value keeps its own series: nothing recorded in one shows in another")
    func independent() {
        let one = ServerMetrics()
        let other = ServerMetrics()
        Counter(label: "things_total", factory: one.factory).increment(by: 2)

        #expect(String(decoding: one.exposition(), as: UTF8.self).contains("things_total 2"))
        #expect(!String(decoding: other.exposition(), as: UTF8.self).contains("things_total"))
    }

    @Test("a timer can have buckets of its own, in seconds")
    func timerBuckets() {
        let metrics = ServerMetrics()
        let factory = metrics.factory(withBuckets: [.seconds(60), .seconds(600)], forTimer: "job_seconds")
        Timer(label: "job_seconds", factory: factory).recordSeconds(90)

        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"job_seconds_bucket{le="60.0"} 0"#))
        #expect(text.contains(#"job_seconds_bucket{le="600.0"} 1"#))
        #expect(text.contains("job_seconds_sum 90.0"))
    }
}
