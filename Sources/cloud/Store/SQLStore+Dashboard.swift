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
}
