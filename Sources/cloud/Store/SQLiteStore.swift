import Foundation
import Internal

/// The default store: one SQLite file through libsqlite3.
final class SQLiteStore: Store {
    private let db: SQLiteConnection
    /// Encrypts kubeconfigs at rest when a key is configured.
    private let cipher: KubeconfigCipher?
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    init(path: String, cipher: KubeconfigCipher? = nil) throws {
        db = try SQLiteConnection(path: path)
        self.cipher = cipher
        try migrate()
        try sealKubeconfigs()
    }

    /// Brings every stored kubeconfig under the current key (first use of a key, or a rotation),
    /// and refuses to start without a key when the database holds encrypted ones.
    private func sealKubeconfigs() throws {
        try db.transaction {
            for row in try db.queryInTransaction("SELECT id, kubeconfig FROM clusters WHERE kubeconfig != ''") {
                guard let id = row[0].string, let stored = row[1].string else { continue }
                let keyID = KubeconfigCipher.keyID(of: stored)
                guard let cipher else {
                    if keyID != nil {
                        throw KubeconfigCipher.Failure(description: "the database holds encrypted kubeconfigs; start with --secret-key-file")
                    }
                    continue
                }
                if keyID == cipher.currentKeyID { continue }
                try db.queryInTransaction("UPDATE clusters SET kubeconfig = ? WHERE id = ?", [.text(try cipher.seal(try cipher.open(stored))), .text(id)])
            }
        }
    }

    /// Applies missing migrations in order; refuses a database written by a newer cloud server.
    private func migrate() throws {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
        try db.transaction {
            let current = try db.queryInTransaction("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").first?.first?.int ?? 0
            guard current <= Migrations.latest else {
                throw StoreError.schemaTooNew(found: Int(current), supported: Migrations.latest)
            }
            for step in Migrations.steps where step.version > current {
                for statement in step.sql.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !statement.isEmpty {
                    try db.queryInTransaction(statement)
                }
                try db.queryInTransaction(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    [.integer(Int64(step.version)), .integer(Date().millisecondsSince1970)])
            }
        }
    }

    // MARK: Clusters

    func createCluster(_ cluster: Cluster, kubeconfig: ClusterKubeconfig) async throws {
        let (text, source): (String, SQLValue) = switch kubeconfig {
        case .inline(let text): (try cipher?.seal(text) ?? text, .null)
        case .source(let source): ("", try json(source))
        }
        do {
            try db.query(
                "INSERT INTO clusters (id, name, kubeconfig, kubeconfig_source, dns, labels, utilities, create_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [.text(cluster.id), .text(cluster.name), .text(text), source, try json(cluster.dns),
                 try json(cluster.labels), try json(cluster.utilities), .integer(cluster.createAt)])
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw StoreError.conflict("a cluster named \"\(cluster.name)\" is already registered")
        }
    }

    func cluster(_ id: String) async throws -> Cluster? {
        try db.query("SELECT \(Self.clusterColumns) FROM clusters WHERE id = ? AND delete_at = 0", [.text(id)])
            .first.map(decodeCluster)
    }

    func kubeconfig(ofCluster id: String) async throws -> ClusterKubeconfig? {
        guard let row = try db.query("SELECT kubeconfig, kubeconfig_source FROM clusters WHERE id = ? AND delete_at = 0", [.text(id)]).first else {
            return nil
        }
        if let source = row[1].string {
            return .source(try JSONDecoder().decode(KubeconfigSource.self, from: Data(source.utf8)))
        }
        let stored = row[0].string ?? ""
        return .inline(try cipher?.open(stored) ?? stored)
    }

    func clusters(label: String?, page: Int, perPage: Int) async throws -> [Cluster] {
        // Labels are few per cluster: filter after reading the page's candidates in order.
        let rows = try db.query("SELECT \(Self.clusterColumns) FROM clusters WHERE delete_at = 0 ORDER BY create_at, id")
        let all = try rows.map(decodeCluster).filter { label == nil || $0.labels.contains(label!) }
        return Array(all.dropFirst(page * perPage).prefix(perPage))
    }

    func deleteCluster(_ id: String, at time: Int64) async throws {
        try db.transaction {
            guard try !db.queryInTransaction("SELECT 1 FROM clusters WHERE id = ? AND delete_at = 0", [.text(id)]).isEmpty else {
                throw StoreError.notFound("cluster \(id)")
            }
            let busy = try db.queryInTransaction(
                "SELECT COUNT(*) FROM deployments WHERE cluster_id = ? AND state NOT IN ('succeeded', 'failed', 'cancelled')",
                [.text(id)]).first?.first?.int ?? 0
            guard busy == 0 else {
                throw StoreError.conflict("cluster \(id) has \(busy) deployment(s) in flight; cancel them or wait")
            }
            try db.queryInTransaction("UPDATE clusters SET delete_at = ? WHERE id = ?", [.integer(time), .text(id)])
        }
    }

    func updateUtilities(ofCluster id: String, _ change: @Sendable (inout UtilityMetadata) -> Void) async throws {
        try db.transaction { try changeUtilities(id, change) }
    }

    private func changeUtilities(_ id: String, _ change: (inout UtilityMetadata) -> Void) throws {
        guard let text = try db.queryInTransaction("SELECT utilities FROM clusters WHERE id = ?", [.text(id)]).first?.first?.string else {
            throw StoreError.notFound("cluster \(id)")
        }
        var utilities = try JSONDecoder().decode(UtilityMetadata.self, from: Data(text.utf8))
        change(&utilities)
        try db.queryInTransaction("UPDATE clusters SET utilities = ? WHERE id = ?", [try json(utilities), .text(id)])
    }

    // MARK: Deployments

    func createDeployments(
        _ deployments: [Deployment], desiredVersions: (cluster: String, versions: [String: UtilityVersion?])?
    ) async throws {
        try db.transaction {
            for deployment in deployments {
                try db.queryInTransaction(
                    "INSERT INTO deployments (id, cluster_id, service, body, state, provisioner, create_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [.text(deployment.id), .text(deployment.clusterID), .text(deployment.service.rawValue),
                     try json(deployment), .text(deployment.state.rawValue), deployment.provisioner.map(SQLValue.text) ?? .null,
                     .integer(deployment.createAt)])
            }
            if let desiredVersions {
                try changeUtilities(desiredVersions.cluster) { utilities in
                    utilities.desiredVersions.merge(desiredVersions.versions) { $1 }
                }
            }
        }
    }

    func deployment(_ id: String) async throws -> Deployment? {
        try db.query("SELECT body FROM deployments WHERE id = ?", [.text(id)]).first.map(decodeDeployment)
    }

    func deployments(_ filter: DeploymentFilter, page: Int, perPage: Int) async throws -> [Deployment] {
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        if let cluster = filter.cluster { conditions.append("cluster_id = ?"); parameters.append(.text(cluster)) }
        if let service = filter.service { conditions.append("service = ?"); parameters.append(.text(service.rawValue)) }
        if let state = filter.state { conditions.append("state = ?"); parameters.append(.text(state.rawValue)) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        parameters += [.integer(Int64(perPage)), .integer(Int64(page * perPage))]
        return try db.query("SELECT body FROM deployments \(whereClause) ORDER BY create_at, id LIMIT ? OFFSET ?", parameters)
            .map(decodeDeployment)
    }

    @discardableResult
    func updateDeployment(_ id: String, _ change: @Sendable (inout Deployment) throws -> Void) async throws -> Deployment {
        try db.transaction {
            guard let row = try db.queryInTransaction("SELECT body FROM deployments WHERE id = ?", [.text(id)]).first else {
                throw StoreError.notFound("deployment \(id)")
            }
            var deployment = try decodeDeployment(row)
            try change(&deployment)
            try db.queryInTransaction(
                "UPDATE deployments SET body = ?, state = ?, provisioner = ? WHERE id = ?",
                [try json(deployment), .text(deployment.state.rawValue), deployment.provisioner.map(SQLValue.text) ?? .null, .text(id)])
            return deployment
        }
    }

    func activeDeployments() async throws -> [Deployment] {
        try db.query("SELECT body FROM deployments WHERE state IN ('dispatched', 'running', 'cancel-requested') ORDER BY create_at")
            .map(decodeDeployment)
    }

    func dispatchableDeployments(now: Int64) async throws -> [Deployment] {
        let candidates = try db.query("""
            SELECT body FROM deployments AS d
            WHERE state = 'requested'
              AND NOT EXISTS (SELECT 1 FROM deployments AS a WHERE a.cluster_id = d.cluster_id AND a.service = d.service
                              AND a.state IN ('dispatched', 'running', 'cancel-requested'))
            ORDER BY create_at, id
            """).map(decodeDeployment)
        // Only the oldest requested one per (cluster, service): later ones wait their turn, even
        // while the oldest is backing off.
        var seen: Set<String> = []
        return candidates.filter { seen.insert("\($0.clusterID)/\($0.service)").inserted && $0.nextAttemptAt <= now }
    }

    // MARK: Encoding

    private static let clusterColumns = "id, name, dns, labels, utilities, create_at"

    private func decodeCluster(_ row: [SQLValue]) throws -> Cluster {
        let decoder = JSONDecoder()
        return Cluster(
            id: row[0].string ?? "", name: row[1].string ?? "",
            dns: try row[2].string.map { try decoder.decode(DNSConfig?.self, from: Data($0.utf8)) } ?? nil,
            labels: try decoder.decode([String].self, from: Data((row[3].string ?? "[]").utf8)),
            utilities: try decoder.decode(UtilityMetadata.self, from: Data((row[4].string ?? "{}").utf8)),
            createAt: row[5].int ?? 0)
    }

    private func decodeDeployment(_ row: [SQLValue]) throws -> Deployment {
        try JSONDecoder().decode(Deployment.self, from: Data((row[0].string ?? "{}").utf8))
    }

    private func json(_ value: some Encodable) throws -> SQLValue {
        .text(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
