/// What the fleet page says of the whole fleet above the grid, read from every cluster's
/// overview: per service the versions it runs (a bar each, failed and drifted in their colours),
/// the clusters that need attention now (one click away), and one small cell per cluster.
struct FleetSummary: Sendable {
    struct ServiceVersions: Sendable {
        var service: String
        var versions: [VersionBar]
    }

    struct VersionBar: Sendable {
        /// The service's most common version, the row that names the service.
        var isFirst: Bool
        var version: String
        var count: Int
        var failed: Int
        var drifted: Int
        var detail: String
        /// An SVG bar, as long as the version's share of the fleet.
        var bar: String
    }

    /// A cluster whose newest deployment of some service failed.
    struct Attention: Sendable {
        var id: String
        var name: String
        var services: String
    }

    struct Cell: Sendable {
        var id: String
        var name: String
        var state: String
        var stateClass: String
    }

    var services: [ServiceVersions]
    var attention: [Attention]
    var attentionMore: Int
    /// Stored, as templates see only stored properties; and Mustache takes 0 as true.
    var hasAttention: Bool
    var hasMore: Bool

    static let attentionShown = 20

    /// - Parameter order: the provisioners' services, first in this order; then any other a
    ///   cluster runs or tried to, by name.
    init(_ clusters: [ClusterOverview], services order: [String]) {
        let others = Set(clusters.flatMap { Array($0.versions.keys) + Array($0.latest.keys) }).subtracting(order).sorted()
        services = (order + others).compactMap { service in
            let versions = Self.versions(of: service, clusters)
            return versions.isEmpty ? nil : ServiceVersions(service: service, versions: versions)
        }
        let failing = clusters.compactMap { cluster -> Attention? in
            let failed = cluster.latest.filter { $0.value == .failed }.keys.sorted()
            return failed.isEmpty ? nil : Attention(id: cluster.id, name: cluster.name, services: failed.joined(separator: ", "))
        }
        attention = Array(failing.prefix(Self.attentionShown))
        attentionMore = max(0, failing.count - Self.attentionShown)
        hasAttention = !failing.isEmpty
        hasMore = attentionMore > 0
    }

    /// Each version of `service` the fleet runs, the most common first; clusters whose install
    /// of it failed count as "not installed".
    private static func versions(of service: String, _ clusters: [ClusterOverview]) -> [VersionBar] {
        var counts: [String: (count: Int, failed: Int, drifted: Int)] = [:]
        for cluster in clusters {
            let failed = cluster.latest[service] == .failed
            guard let version = cluster.versions[service] ?? (failed ? "not installed" : nil) else { continue }
            var entry = counts[version] ?? (0, 0, 0)
            entry.count += 1
            if failed { entry.failed += 1 }
            if cluster.drifted.contains(service) { entry.drifted += 1 }
            counts[version] = entry
        }
        let total = clusters.count
        return counts.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.enumerated().map { index, pair in
            let (version, entry) = pair
            var detail = "\(entry.count) cluster\(entry.count == 1 ? "" : "s")"
            if entry.failed > 0 { detail += ", \(entry.failed) failed" }
            if entry.drifted > 0 { detail += ", \(entry.drifted) drifted" }
            let ok = entry.count - entry.failed - min(entry.drifted, entry.count - entry.failed)
            let bar = SVGChart.bar(
                [("bad", entry.failed), ("warn", min(entry.drifted, entry.count - entry.failed)), ("ok", ok), ("rest", total - entry.count)],
                title: "\(service) \(version): \(detail)"
            )
            return VersionBar(
                isFirst: index == 0,
                version: version,
                count: entry.count,
                failed: entry.failed,
                drifted: entry.drifted,
                detail: detail,
                bar: bar
            )
        }
    }

    /// One cell per cluster, coloured by its worst: a failed deployment, one in flight, drift.
    static func cells(_ clusters: [ClusterOverview]) -> [Cell] {
        clusters.map { cluster in
            let state =
                cluster.latest.values.contains(.failed)
                ? "failed" : cluster.inFlight ? "running" : !cluster.drifted.isEmpty ? "drifted" : cluster.versions.isEmpty ? "empty" : "ok"
            return Cell(id: cluster.id, name: cluster.name, state: state, stateClass: PageContext.stateClass(state))
        }
    }
}
