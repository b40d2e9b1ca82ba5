import FleetAPI
import Foundation
import ServerSupport

/// How clusters and deployments become rows and back, and how stored kubeconfigs meet the cipher.
/// The same on both databases, so both keep byte-identical documents: a database can be copied
/// from one to the other, and an encrypted kubeconfig opens under either.
struct StoreRecords: Sendable {
    /// Encrypts kubeconfigs at rest when a key is configured.
    let cipher: KubeconfigCipher?
    /// The time events are written at.
    let clock: any WallClock
    /// As the API encodes (`JSONResponse`), so a stored deployment is the API's answer byte for byte.
    private let encoder: JSONEncoder = {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(cipher: KubeconfigCipher?, clock: any WallClock = SystemClock()) {
        self.cipher = cipher
        self.clock = clock
    }

    static let clusterColumns = "id, name, dns, labels, utilities, create_at, kubernetes_version"

    /// The states a provisioner holds, as an SQL list.
    static let activeStatesSQL = sqlList(CloudDeploymentState.allCases.filter(\.isActive))
    static let finalStatesSQL = sqlList(CloudDeploymentState.allCases.filter(\.isFinal))
    /// Listed rather than "NOT IN final", so the state index serves lease claims.
    static let unfinishedStatesSQL = sqlList(CloudDeploymentState.allCases.filter { !$0.isFinal })

    private static func sqlList(_ states: [CloudDeploymentState]) -> String {
        "(" + states.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }

    // MARK: Kubeconfigs

    /// The `kubeconfig` and `kubeconfig_source` columns for a new cluster.
    func kubeconfigColumns(_ kubeconfig: ClusterKubeconfig) throws -> (text: SQLValue, source: SQLValue) {
        switch kubeconfig {
        case .inline(let text): (.text(try cipher?.seal(text) ?? text), .null)
        case .source(let source): (.text(""), try json(source))
        }
    }

    /// The kubeconfig from its `kubeconfig`, `kubeconfig_source` columns.
    func kubeconfig(text: SQLValue, source: SQLValue) throws -> ClusterKubeconfig {
        if let source = source.string {
            return .source(try WireJSON.decoder().decode(KubeconfigSource.self, from: Data(source.utf8)))
        }
        let stored = text.string ?? ""
        return .inline(try cipher?.open(stored) ?? stored)
    }

    /// What a stored kubeconfig must become under the current key (first use of a key, or a
    /// rotation), or nil when it is fine as it is. Throws when the database holds encrypted
    /// kubeconfigs and no key was given, so the server refuses to start instead of failing later.
    func resealed(_ stored: String) throws -> String? {
        let keyID = KubeconfigCipher.keyID(of: stored)
        guard let cipher else {
            if keyID != nil {
                throw KubeconfigCipher.Failure(description: "the database holds encrypted kubeconfigs; start with --secret-key-file")
            }
            return nil
        }
        if keyID == cipher.currentKeyID { return nil }
        return try cipher.seal(try cipher.open(stored))
    }

    // MARK: Rows

    func cluster(_ row: [SQLValue]) throws -> Cluster {
        let decoder = WireJSON.decoder()
        return Cluster(
            id: row[0].string ?? "",
            name: row[1].string ?? "",
            dns: try row[2].string.map { try decoder.decode(DNSConfig?.self, from: Data($0.utf8)) } ?? nil,
            labels: try decoder.decode([String].self, from: Data((row[3].string ?? "[]").utf8)),
            utilities: try decoder.decode(UtilityMetadata.self, from: Data((row[4].string ?? "{}").utf8)),
            createAt: row[5].int ?? 0,
            kubernetesVersion: row[6].string
        )
    }

    /// The values of `clusterColumns` after `id, name`, plus the kubeconfig pair, in insert order.
    func clusterValues(_ cluster: Cluster, kubeconfig: ClusterKubeconfig) throws -> [SQLValue] {
        let (text, source) = try kubeconfigColumns(kubeconfig)
        return [
            .text(cluster.id), .text(cluster.name), text, source, try json(cluster.dns),
            try json(cluster.labels), try json(cluster.utilities), .integer(cluster.createAt),
        ]
    }

    func deployment(_ row: [SQLValue]) throws -> Deployment {
        try WireJSON.decoder().decode(Deployment.self, from: Data((row[0].string ?? "{}").utf8))
    }

    /// `body, state` of a deployment.
    func deploymentDocument(_ row: [SQLValue]) throws -> DeploymentDocument {
        guard let json = row[0].string, let state = row[1].string.flatMap(CloudDeploymentState.init(rawValue:)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a deployment row without body or state"))
        }
        return DeploymentDocument(json: json, state: state)
    }

    /// `id, cluster_id, service, body, state, provisioner, create_at` of a new deployment.
    func deploymentValues(_ deployment: Deployment) throws -> [SQLValue] {
        [
            .text(deployment.id), .text(deployment.clusterID), .text(deployment.service.rawValue), try json(deployment),
            .text(deployment.state.rawValue), deployment.provisioner.map(SQLValue.text) ?? .null, .integer(deployment.createAt),
            .text(deployment.action.rawValue),
        ]
    }

    /// Deployments but plans and checks, which change nothing; rows a server of schema 12
    /// inserted have no action recorded and count as changes.
    static let changesOnlySQL = "(action IS NULL OR action NOT IN ('plan', 'check'))"

    /// Inserts a deployment from `deploymentValues`.
    static let insertDeployment =
        "INSERT INTO deployments (id, cluster_id, service, body, state, provisioner, create_at, action) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"

    /// `body, state, provisioner` of a changed deployment.
    func deploymentUpdate(_ deployment: Deployment) throws -> [SQLValue] {
        [try json(deployment), .text(deployment.state.rawValue), deployment.provisioner.map(SQLValue.text) ?? .null]
    }

    func utilities(_ text: String) throws -> UtilityMetadata {
        try WireJSON.decoder().decode(UtilityMetadata.self, from: Data(text.utf8))
    }

    func json(_ value: some Encodable) throws -> SQLValue {
        .text(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    // MARK: Rules applied after reading

    /// Of the requested deployments (oldest first) with nothing active on their (cluster, service),
    /// only the oldest of each is dispatchable, and only once due: later ones wait their turn, even
    /// while the oldest is backing off.
    static func dispatchable(_ candidates: [Deployment], now: Int64) -> [Deployment] {
        var seen: Set<String> = []
        return candidates.filter { seen.insert("\($0.clusterID)/\($0.service)").inserted && $0.nextAttemptAt <= now }
    }

    static func nameTaken(_ name: String) -> StoreError {
        .conflict("a cluster named \"\(name)\" is already registered")
    }

    static func busy(_ cluster: String, _ count: Int64) -> StoreError {
        .conflict("cluster \(cluster) has \(count) deployment(s) in flight; cancel them or wait")
    }
}
