import FleetAPI
import Foundation

/// The reads the dashboard makes: a page of the fleet at a time, whatever its size.
extension SQLStore {
    func latestDeployments(clusters: [String]) async throws -> [Deployment] {
        guard !clusters.isEmpty else { return [] }
        let placeholders = clusters.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        // One row per (cluster, service): the newest, by the index on (cluster_id, service, create_at);
        // plans and checks change nothing, so they say nothing of what runs.
        return try await query(
            """
            SELECT body FROM (
                SELECT body, ROW_NUMBER() OVER (PARTITION BY cluster_id, service ORDER BY create_at DESC, id DESC) AS n
                FROM deployments WHERE cluster_id IN (\(placeholders)) AND \(StoreRecords.changesOnlySQL)
            ) AS newest WHERE n = 1
            """,
            clusters.map(SQLValue.text)
        ).map(records.deployment)
    }

    func recentDeployments(cluster: String, limit: Int) async throws -> [Deployment] {
        try await query(
            "SELECT body FROM deployments WHERE cluster_id = $1 ORDER BY create_at DESC, id DESC LIMIT $2",
            [.text(cluster), .integer(Int64(limit))]
        ).map(records.deployment)
    }

    func fleetCounts(failedSince time: Int64) async throws -> (inFlight: Int, failed: Int, driftedUtilities: Int) {
        let row = try await query(
            """
            SELECT (SELECT COUNT(*) FROM deployments WHERE state IN \(StoreRecords.unfinishedStatesSQL)),
                   (SELECT COUNT(*) FROM deployments WHERE state = 'failed' AND create_at >= $1 AND \(StoreRecords.changesOnlySQL)),
                   (SELECT COALESCE(SUM(drifted), 0) FROM clusters WHERE drifted > 0 AND delete_at = 0)
            """,
            [.integer(time)]
        ).first
        return (Int(row?[0].int ?? 0), Int(row?[1].int ?? 0), Int(row?[2].int ?? 0))
    }

    func fleetOverview(failedSince time: Int64) async throws -> [ClusterOverview] {
        let rows = try await query("SELECT id, name, labels, utilities FROM clusters WHERE delete_at = 0 ORDER BY create_at, id")
        var latest: [String: [String: CloudDeploymentState]] = [:]
        let states = try await query(
            """
            SELECT cluster_id, service, state FROM (
                SELECT cluster_id, service, state, ROW_NUMBER() OVER (PARTITION BY cluster_id, service ORDER BY create_at DESC, id DESC) AS n
                FROM deployments WHERE \(StoreRecords.changesOnlySQL)
            ) AS newest WHERE n = 1
            """
        )
        for row in states {
            guard let cluster = row[0].string, let service = row[1].string, let state = row[2].string.flatMap(CloudDeploymentState.init) else {
                continue
            }
            latest[cluster, default: [:]][service] = state
        }
        let failed = Set(
            try await query(
                "SELECT DISTINCT cluster_id FROM deployments WHERE state = 'failed' AND create_at >= $1 AND \(StoreRecords.changesOnlySQL)",
                [.integer(time)]
            ).compactMap { $0[0].string }
        )
        // Plain keys, and only the parts read: this decodes every cluster on every fleet page.
        let decoder = JSONDecoder()
        return try rows.map { row in
            let id = row[0].string ?? ""
            let utilities = try decoder.decode(OverviewUtilities.self, from: Data((row[3].string ?? "{}").utf8))
            return ClusterOverview(
                id: id,
                name: row[1].string ?? "",
                labels: try decoder.decode([String].self, from: Data((row[2].string ?? "[]").utf8)),
                versions: (utilities.actualVersions ?? [:]).compactMapValues { $0?.chart },
                drifted: Set((utilities.drift ?? [:]).filter { $0.value.state == .drifted }.keys),
                latest: latest[id] ?? [:],
                failedRecently: failed.contains(id)
            )
        }
    }
}

/// What the fleet overview reads of a cluster's stored `UtilityMetadata` (in the wire's key
/// spelling): the versions it runs and its drift states, leaving the releases and desired versions.
private struct OverviewUtilities: Decodable {
    var actualVersions: [String: Version?]?
    var drift: [String: Drift]?

    enum CodingKeys: String, CodingKey {
        case actualVersions = "ActualVersions"
        case drift = "Drift"
    }

    struct Version: Decodable {
        var chart: String
        enum CodingKeys: String, CodingKey { case chart = "Chart" }
    }

    struct Drift: Decodable {
        var state: DriftReport.State
        enum CodingKeys: String, CodingKey { case state = "State" }
    }
}
