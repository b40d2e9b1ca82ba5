public import CoreMetrics
import Prometheus

/// swift-metrics into a Prometheus registry, each series with its `# HELP` line: swift-prometheus's
/// own factory registers every series without one, and `promtool check metrics` wants one for each.
/// Names go through `rename` first (Hummingbird's OpenTelemetry-style request series get Prometheus
/// names); `help` is keyed by the Prometheus name.
public struct DescribedMetricsFactory: Sendable {
    let registry: PrometheusCollectorRegistry
    let help: [String: String]
    let rename: @Sendable (String) -> String
    /// Buckets of the duration histograms (timers) named here; the rest get `defaultDurationBuckets`.
    public var durationBuckets: [String: [Duration]] = [:]
    let defaultDurationBuckets: [Duration] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000].map { .milliseconds($0) }
    let defaultValueBuckets: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        let name = rename(label)
        return MetricNameDescriptor(metricName: name, unitName: "", helpText: help[name] ?? "")
    }

    private func labels(_ dimensions: [(String, String)]) -> [(String, String)] {
        dimensions.map { (Self.underscored($0.0), $0.1) }
    }

    /// Dots, which Prometheus names cannot hold, as underscores (`http.route` -> `http_route`).
    static func underscored(_ name: String) -> String {
        String(name.map { $0 == "." ? "_" : $0 })
    }
}

extension DescribedMetricsFactory: MetricsFactory {
    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: labels(dimensions))
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: labels(dimensions))
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: labels(dimensions)) }
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: labels(dimensions), buckets: defaultValueBuckets)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: labels(dimensions))
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let buckets = durationBuckets[label] ?? defaultDurationBuckets
        return registry.makeDurationHistogram(descriptor: descriptor(label), labels: labels(dimensions), buckets: buckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
