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
    /// What the grid is narrowed to by a card (`failed`, `drifted`, `inflight`), if anything
    /// (nil, not empty: Mustache takes an empty string as true).
    var show: String?
    var links: Links
    var summary: FleetSummary
    /// One cell per matching cluster instead of the table (`?view=compact`).
    var compact: [FleetSummary.Cell]
    var isCompact: Bool

    /// Where the cards and the view switch lead, keeping the other filters.
    struct Links: Sendable {
        var failed: String
        var drifted: String
        var inFlight: String
        var all: String
        var compact: String
        var table: String
    }

    /// What the filter asks for, from `?q=`, `?label=` and `?page=`; oversized or odd values are
    /// cut or ignored rather than refused, since a person typed them.
    struct Filter: Sendable {
        var query = ""
        var label = ""
        var page = 0
        /// `failed`, `drifted` or `inflight`; anything else shows every cluster.
        var show = ""
        var compact = false

        init(_ parameters: [String: String]) {
            query = String((parameters["q"] ?? "").prefix(100))
            label = String((parameters["label"] ?? "").prefix(200))
            page = min(max(Int(parameters["page"] ?? "") ?? 0, 0), 100_000)
            show = ["failed", "drifted", "inflight"].first { $0 == parameters["show"] } ?? ""
            compact = parameters["view"] == "compact"
        }

        func matches(_ cluster: ClusterOverview) -> Bool {
            guard label.isEmpty || cluster.labels.contains(label), query.isEmpty || cluster.name.localizedCaseInsensitiveContains(query) else {
                return false
            }
            switch show {
            case "failed": return cluster.failedRecently
            case "drifted": return !cluster.drifted.isEmpty
            case "inflight": return cluster.inFlight
            default: return true
            }
        }

        func link(page: Int? = nil, show: String? = nil, compact: Bool? = nil) -> String {
            let show = show ?? self.show
            var parts = URLComponents()
            parts.path = "/"
            parts.queryItems = [
                query.isEmpty ? nil : URLQueryItem(name: "q", value: query), label.isEmpty ? nil : URLQueryItem(name: "label", value: label),
                show.isEmpty ? nil : URLQueryItem(name: "show", value: show),
                compact ?? self.compact ? URLQueryItem(name: "view", value: "compact") : nil,
                page.map { URLQueryItem(name: "page", value: "\($0)") },
            ].compactMap { $0 }
            return parts.string ?? "/"
        }

        var links: Links {
            Links(
                failed: link(show: "failed"),
                drifted: link(show: "drifted"),
                inFlight: link(show: "inflight"),
                all: link(show: ""),
                compact: link(compact: true),
                table: link(compact: false)
            )
        }
    }

    static func make(
        store: any ClusterStore & DashboardReads,
        services published: [ServiceName],
        filter: Filter,
        page: PageContext,
        now: Date
    ) async throws -> FleetGrid {
        // Every cluster's overview to summarise and filter by, and whole clusters only for the page shown.
        let since = now.millisecondsSince1970 - 24 * 3600 * 1000
        let all = try await store.fleetOverview(failedSince: since)
        let matching = all.filter(filter.matches)
        let shown = filter.compact ? [] : try await store.clusters(ids: matching.dropFirst(filter.page * perPage).prefix(perPage).map(\.id))
        let latest = Dictionary(
            try await store.latestDeployments(clusters: shown.map(\.id)).map { ("\($0.clusterID)/\($0.service)", $0) },
            uniquingKeysWith: { first, _ in first }
        )
        // The provisioners' services in their order, then any other a shown cluster has.
        var services = published.map(\.rawValue)
        let others = Set(shown.flatMap { Array($0.utilities.actualVersions.keys) + Array($0.utilities.desiredVersions.keys) })
            .union(latest.values.map(\.service.rawValue)).subtracting(services)
        services += others.sorted()

        let (inFlight, failed, drifted) = try await store.fleetCounts(failedSince: since)
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
            previous: filter.page > 0 && !filter.compact ? filter.link(page: filter.page - 1) : nil,
            next: !filter.compact && start + shown.count < matching.count ? filter.link(page: filter.page + 1) : nil,
            show: filter.show.isEmpty ? nil : filter.show,
            links: filter.links,
            summary: FleetSummary(all, services: published.map(\.rawValue)),
            compact: filter.compact ? FleetSummary.cells(matching) : [],
            isCompact: filter.compact
        )
    }
}
