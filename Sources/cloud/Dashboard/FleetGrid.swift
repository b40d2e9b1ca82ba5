import FleetAPI
import Foundation

/// The fleet at a glance: a page of clusters (rows) by services (columns), each cell with the
/// version the cluster runs, its latest deployment's state and a drift badge; counts on top.
struct FleetGrid: Sendable {
    static let perPage = 100

    struct Counts: Sendable {
        var clusters: Int
        var inFlight: Int
        var failed: Int
        var drifted: Int
        /// Stored, as templates see only stored properties; and Mustache takes 0 as true.
        var anyFailed: Bool
        var anyDrifted: Bool

        init(clusters: Int, inFlight: Int, failed: Int, drifted: Int) {
            self.clusters = clusters
            self.inFlight = inFlight
            self.failed = failed
            self.drifted = drifted
            anyFailed = failed > 0
            anyDrifted = drifted > 0
        }
    }

    struct Cell: Sendable {
        var service: String
        var version: String?
        var state: String?
        var stateClass: String
        var deploymentID: String?
        var drifted: Bool
        var driftReason: String
    }

    struct Row: Sendable {
        var id: String
        var name: String
        var labels: String
        var cells: [Cell]
    }

    var page: PageContext
    var counts: Counts
    var services: [String]
    var rows: [Row]
    var query: String
    var label: String
    var first: Int
    var last: Int
    var matching: Int
    var previous: String?
    var next: String?

    /// What the filter asks for, from `?q=`, `?label=` and `?page=`; oversized or odd values are
    /// cut or ignored rather than refused, since a person typed them.
    struct Filter: Sendable {
        var query = ""
        var label = ""
        var page = 0

        init(_ parameters: [String: String]) {
            query = String((parameters["q"] ?? "").prefix(100))
            label = String((parameters["label"] ?? "").prefix(200))
            page = min(max(Int(parameters["page"] ?? "") ?? 0, 0), 100_000)
        }

        func link(page: Int) -> String {
            var parts = URLComponents()
            parts.path = "/"
            parts.queryItems = [
                query.isEmpty ? nil : URLQueryItem(name: "q", value: query), label.isEmpty ? nil : URLQueryItem(name: "label", value: label),
                URLQueryItem(name: "page", value: "\(page)"),
            ].compactMap { $0 }
            return parts.string ?? "/"
        }
    }

    static func make(
        store: any ClusterStore & DashboardReads,
        services published: [ServiceName],
        filter: Filter,
        page: PageContext,
        now: Date
    ) async throws -> FleetGrid {
        // Every cluster's name and labels to filter by, and whole clusters only for the page shown.
        let all = try await store.clusterSummaries()
        let matching = all.filter { cluster in
            (filter.label.isEmpty || cluster.labels.contains(filter.label))
                && (filter.query.isEmpty || cluster.name.localizedCaseInsensitiveContains(filter.query))
        }
        let shown = try await store.clusters(ids: matching.dropFirst(filter.page * perPage).prefix(perPage).map(\.id))
        let latest = Dictionary(
            try await store.latestDeployments(clusters: shown.map(\.id)).map { ("\($0.clusterID)/\($0.service)", $0) },
            uniquingKeysWith: { first, _ in first }
        )
        // The provisioners' services in their order, then any other a shown cluster has.
        var services = published.map(\.rawValue)
        let others = Set(shown.flatMap { Array($0.utilities.actualVersions.keys) + Array($0.utilities.desiredVersions.keys) })
            .union(latest.values.map(\.service.rawValue)).subtracting(services)
        services += others.sorted()

        let (inFlight, failed, drifted) = try await store.fleetCounts(failedSince: now.millisecondsSince1970 - 24 * 3600 * 1000)
        let rows = shown.map { cluster in
            Row(
                id: cluster.id,
                name: cluster.name,
                labels: cluster.labels.joined(separator: ", "),
                cells: services.map { service in
                    let deployment = latest["\(cluster.id)/\(service)"]
                    let drift = cluster.utilities.drift?[service]
                    return Cell(
                        service: service,
                        version: cluster.utilities.actualVersions[service].flatMap { $0?.chart },
                        state: deployment?.state.rawValue,
                        stateClass: PageContext.stateClass(deployment?.state.rawValue),
                        deploymentID: deployment?.id,
                        drifted: drift?.state == .drifted,
                        driftReason: drift?.reasons.first ?? ""
                    )
                }
            )
        }
        let start = filter.page * perPage
        return FleetGrid(
            page: page,
            counts: Counts(clusters: all.count, inFlight: inFlight, failed: failed, drifted: drifted),
            services: services,
            rows: rows,
            query: filter.query,
            label: filter.label,
            first: shown.isEmpty ? 0 : start + 1,
            last: start + shown.count,
            matching: matching.count,
            previous: filter.page > 0 ? filter.link(page: filter.page - 1) : nil,
            next: start + shown.count < matching.count ? filter.link(page: filter.page + 1) : nil
        )
    }
}
