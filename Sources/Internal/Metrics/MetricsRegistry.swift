import Foundation
import Synchronization

/// Counters, gauges and histograms rendered in the Prometheus text exposition format.
/// Small on purpose: both servers need a handful of series, not a metrics framework.
public final class MetricsRegistry: Sendable {
    public typealias Labels = [String: String]

    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    private struct Family {
        var kind: Kind
        var help: String
        var buckets: [Double] = []
        var values: [Labels: Double] = [:]
        var histograms: [Labels: Histogram] = [:]
    }

    private struct Histogram {
        var counts: [Int]
        var sum: Double = 0
        var count: Int = 0
    }

    private let families = Mutex<[String: Family]>([:])

    public init() {}

    public func register(_ name: String, _ kind: Kind, help: String, buckets: [Double] = []) {
        families.withLock { $0[name] = Family(kind: kind, help: help, buckets: buckets.sorted()) }
    }

    public func increment(_ name: String, by amount: Double = 1, _ labels: Labels = [:]) {
        families.withLock { $0[name]?.values[labels, default: 0] += amount }
    }

    public func set(_ name: String, to value: Double, _ labels: Labels = [:]) {
        families.withLock { $0[name]?.values[labels] = value }
    }

    public func observe(_ name: String, _ value: Double, _ labels: Labels = [:]) {
        families.withLock { families in
            guard let buckets = families[name]?.buckets else { return }
            var histogram = families[name]?.histograms[labels] ?? Histogram(counts: Array(repeating: 0, count: buckets.count))
            for (index, bound) in buckets.enumerated() where value <= bound { histogram.counts[index] += 1 }
            histogram.sum += value
            histogram.count += 1
            families[name]?.histograms[labels] = histogram
        }
    }

    public func render() -> String {
        families.withLock { families in
            var out = ""
            for (name, family) in families.sorted(by: { $0.key < $1.key }) {
                out += "# HELP \(name) \(family.help)\n# TYPE \(name) \(family.kind.rawValue)\n"
                for (labels, value) in family.values.sorted(by: { Self.format($0.key) < Self.format($1.key) }) {
                    out += "\(name)\(Self.format(labels)) \(Self.number(value))\n"
                }
                for (labels, histogram) in family.histograms.sorted(by: { Self.format($0.key) < Self.format($1.key) }) {
                    for (index, bound) in family.buckets.enumerated() {
                        out += "\(name)_bucket\(Self.format(labels.merging(["le": Self.number(bound)]) { $1 })) \(histogram.counts[index])\n"
                    }
                    out += "\(name)_bucket\(Self.format(labels.merging(["le": "+Inf"]) { $1 })) \(histogram.count)\n"
                    out += "\(name)_sum\(Self.format(labels)) \(Self.number(histogram.sum))\n"
                    out += "\(name)_count\(Self.format(labels)) \(histogram.count)\n"
                }
            }
            return out
        }
    }

    private static func format(_ labels: Labels) -> String {
        guard !labels.isEmpty else { return "" }
        let pairs = labels.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\"\(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n"))\""
        }
        return "{\(pairs.joined(separator: ","))}"
    }

    private static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
