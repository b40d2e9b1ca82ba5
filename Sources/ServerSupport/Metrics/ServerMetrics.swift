import CoreMetrics
public import Prometheus

/// Where a server's metrics go: a Prometheus registry, rendered at `/metrics`, and the swift-metrics
/// factory that records into it. A value, so each server (and each test) has its own; nothing is
/// recorded through swift-metrics' global factory.
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (Self.prometheusNames[name] ?? Self.underscored(name), labels.map { (Self.underscored($0), $1) })
        }
        self.factory = factory
    }

    /// The factory with its own histogram buckets for the timer `label` (the default buckets, 5 ms to
    /// 10 s, suit requests, not deployments that take minutes).
    public func factory(withBuckets buckets: [Duration], forTimer label: String) -> PrometheusMetricsFactory {
        var factory = self.factory
        factory.durationHistogramBuckets[label] = buckets
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

    private static func underscored(_ name: String) -> String {
        String(name.map { $0 == "." ? "_" : $0 })
    }
}
