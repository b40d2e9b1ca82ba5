import FleetAPI
import Foundation

extension SQLStore {
    func profileTargets() async throws -> [ProfileTarget] {
        // One array decoded at once, in Swift's own key spelling (the wire's costs a conversion per
        // key): reading every target is most of a keeper pass at 10,000 clusters.
        try JSONDecoder().decode(
            [ProfileTarget].self,
            from: Data(Self.array(try await query("SELECT body FROM profile_targets ORDER BY cluster_id, service")).utf8)
        )
    }

    func profileTarget(cluster: String, service: ServiceName) async throws -> ProfileTarget? {
        try await query("SELECT body FROM profile_targets WHERE cluster_id = $1 AND service = $2", [.text(cluster), .text(service.rawValue)])
            .first.map { try JSONDecoder().decode(ProfileTarget.self, from: Data(($0[0].string ?? "").utf8)) }
    }

    func changeProfileTargets(_ changes: [ProfileTargetChange]) async throws {
        let writes = try Self.profileTargetWrites(records, changes)
        try await transaction { db in try Self.writeProfileTargets(db, writes) }
    }

    func claimLeadership(_ name: String, owner: String, now: Int64, until: Int64) async throws -> Bool {
        try await transaction { db in
            // The insert of a first claim and the update of a lapsed or own one; two servers
            // racing for a lapsed lease both run the update, and the row lock makes one win.
            try db.query(
                "INSERT INTO leader_leases (name, owner, until) VALUES ($1, '', 0) ON CONFLICT (name) DO NOTHING",
                [.text(name)]
            )
            return try !db.query(
                "UPDATE leader_leases SET owner = $2, until = $3 WHERE name = $1 AND (owner = $2 OR until < $4) RETURNING owner",
                [.text(name), .text(owner), .integer(until), .integer(now)]
            ).isEmpty
        }
    }

    /// A write of `writeProfileTargets`, encoded before the transaction.
    enum ProfileTargetWrite {
        case upsert(cluster: String, service: String, body: SQLValue)
        case delete(cluster: String, service: String)
    }

    static func profileTargetWrites(_ records: StoreRecords, _ changes: [ProfileTargetChange]) throws -> [ProfileTargetWrite] {
        try changes.map { change in
            switch change {
            case .set(let target):
                .upsert(
                    cluster: target.clusterID,
                    service: target.service.rawValue,
                    body: .text(String(decoding: try JSONEncoder().encode(target), as: UTF8.self))
                )
            case .remove(let key): .delete(cluster: key.clusterID, service: key.service.rawValue)
            }
        }
    }

    static func writeProfileTargets(_ db: any SQLConnection, _ writes: [ProfileTargetWrite]) throws {
        for write in writes {
            switch write {
            case .upsert(let cluster, let service, let body):
                try db.query(
                    """
                    INSERT INTO profile_targets (cluster_id, service, body) VALUES ($1, $2, $3)
                    ON CONFLICT (cluster_id, service) DO UPDATE SET body = excluded.body
                    """,
                    [.text(cluster), .text(service), body]
                )
            case .delete(let cluster, let service):
                try db.query("DELETE FROM profile_targets WHERE cluster_id = $1 AND service = $2", [.text(cluster), .text(service)])
            }
        }
    }
}
