import FleetAPI
import Hummingbird
import ServerSupport

/// Drift: check a cluster's utilities now, and list what the fleet's last checks found.
struct DriftRoutes: Sendable {
    let fleet: Fleet

    func add(to router: Router<CloudRequestContext>) {
        router.post("/api/cluster/:id/drift", use: check)
        router.get("/api/drift", use: list)
    }

    /// Checks every utility the cluster runs, now; answers what each check found.
    @Sendable func check(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await fleet.store.cluster(id) != nil else { throw APIError.notFound("cluster \(id) not found") }
        let results = try await fleet.checkDrift(of: id)
        return try JSONResponse.make(.ok, results)
    }

    /// Every checked utility of every cluster, or only those in one state (`?state=drifted`).
    @Sendable func list(_ request: Request, context: CloudRequestContext) async throws -> Response {
        var state: DriftReport.State?
        if let text = request.uri.queryParameters.get("state") {
            switch text.lowercased() {
            case "drifted": state = .drifted
            case "insync", "in-sync": state = .inSync
            default: throw APIError.badRequest("state must be drifted or in-sync", field: "state")
            }
        }
        var entries: [FleetDrift] = []
        let clusters = try await state == .drifted ? fleet.store.driftedClusters() : fleet.store.clusters(label: nil, page: 0, perPage: Int.max)
        for cluster in clusters {
            for (service, drift) in (cluster.utilities.drift ?? [:]).sorted(by: { $0.key < $1.key }) where state == nil || drift.state == state {
                entries.append(FleetDrift(clusterID: cluster.id, name: cluster.name, service: service, drift: drift))
            }
        }
        return try JSONResponse.make(.ok, entries)
    }
}

/// One utility's last drift check, with its cluster.
struct FleetDrift: Codable, Sendable {
    var clusterID: String
    var name: String
    var service: String
    var drift: DriftStatus
}
