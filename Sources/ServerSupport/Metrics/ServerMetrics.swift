import CoreMetrics
public import Prometheus

/// Where a server's metrics go: a Prometheus registry, rendered at `/metrics`, and the swift-metrics
/// factory that records into it, each series with its HELP text. A value, so each server (and each
/// test) has its own; nothing is recorded through swift-metrics' global factory.
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: DescribedMetricsFactory

    /// - Parameter help: each of the server's own series, by Prometheus name, with what it counts
    ///   (the request series' are added here).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), help: [String: String] = [:]) {
        self.registry = registry
        factory = DescribedMetricsFactory(
            registry: registry,
            help: help.merging(Self.requestHelp) { own, _ in own },
            rename: { Self.prometheusNames[$0] ?? DescribedMetricsFactory.underscored($0) }
        )
    }

    /// The factory with its own histogram buckets for the timer `label` (the default buckets, 5 ms to
    /// 10 s, suit requests, not deployments that take minutes).
    public func factory(withBuckets buckets: [Duration], forTimer label: String) -> DescribedMetricsFactory {
        var factory = self.factory
        factory.durationBuckets[label] = buckets
        return factory
    }

    /// Everything recorded so far, in the Prometheus text exposition format.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// The request series keep Hummingbird's OpenTelemetry-style names (see `RequestMetricsMiddleware`); Prometheus wants
    /// counters to end in `_total` and durations to carry their unit.
    private static let prometheusNames = [
        "hb.requests": "http_server_requests_total",
        "hb.request.errors": "http_server_request_errors_total",
        "http.server.request.duration": "http_server_request_duration_seconds",
        "http.server.active_requests": "http_server_active_requests",
    ]

    private static let requestHelp = [
        "http_server_requests_total": "HTTP requests answered, by route, method and status code.",
        "http_server_request_errors_total":
            "HTTP requests that ended in an error no handler answered (thrown), by route, method and the status sent as error.type.",
        "http_server_request_duration_seconds": "Time to answer an HTTP request, by route, method and status code.",
        "http_server_active_requests": "HTTP requests being answered now, by method.",
    ]
}
