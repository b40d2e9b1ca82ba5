import Foundation
import Internal
import TestSupport
import Testing
@testable import cloud

/// The SQLite store on real files.
@Suite("SQLite store")
struct SQLiteStoreTests {
    let directory: String
    var path: String { "\(directory)/cloud.db" }

    init() throws {
        directory = try Testbed.makeScratchDirectory()
    }

    func cluster(_ name: String = "c1", labels: [String] = []) -> Cluster {
        Cluster(id: ID.make(), name: name, dns: nil, labels: labels, utilities: UtilityMetadata(), createAt: 1)
    }

    func deployment(_ cluster: Cluster, _ service: ServiceName, at time: Int64, state: CloudDeploymentState = .requested) -> Deployment {
        var deployment = Deployment.requested(
            clusterID: cluster.id, service: service, action: .apply, chart: ChartRequest(version: "1.0.0"), values: nil,
            timeoutSeconds: nil, now: time)
        deployment.state = state
        return deployment
    }

    @Test("data survives closing and reopening the file")
    func survivesRestart() async throws {
        let registered = cluster()
        do {
            let store = try SQLiteStore(path: path)
            try await store.createCluster(registered, kubeconfig: .inline("secret"))
            try await store.createDeployments([deployment(registered, "nginx", at: 5)], desiredVersions: nil)
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.cluster(registered.id) == registered)
        #expect(try await reopened.kubeconfig(ofCluster: registered.id) == .inline("secret"))
        #expect(try await reopened.deployments(DeploymentFilter(), page: 0, perPage: 10).count == 1)
    }

    @Test("a database from a newer cloud server is refused")
    func refusesNewerSchema() throws {
        _ = try SQLiteStore(path: path)
        let connection = try SQLiteConnection(path: path)
        try connection.query("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)")
        #expect(throws: StoreError.schemaTooNew(found: 999, supported: SQLiteMigrations.latest)) {
            _ = try SQLiteStore(path: path)
        }
    }

    @Test("a database at an older schema version is migrated forward, keeping its data")
    func migratesForward() async throws {
        let old = try SQLiteConnection(path: path)
        try old.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
        for statement in SQLiteMigrations.steps[0].sql.split(separator: ";") where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            try old.query(String(statement))
        }
        try old.query("INSERT INTO schema_migrations VALUES (1, 0)")
        try old.query("INSERT INTO clusters (id, name, kubeconfig, labels, utilities, create_at) VALUES ('c', 'old', 'k', '[]', '{}', 1)")

        let store = try SQLiteStore(path: path)
        #expect(try await store.kubeconfig(ofCluster: "c") == .inline("k"))
        #expect(try SQLiteConnection(path: path).query("SELECT MAX(version) FROM schema_migrations").first?.first == .integer(Int64(SQLiteMigrations.latest)))
    }

    @Test("a cluster may be kept by reference to its kubeconfig")
    func kubeconfigReference() async throws {
        let store = try SQLiteStore(path: path)
        let registered = cluster()
        let source = KubeconfigSource(secretsManager: .init(secretID: "c1"))
        try await store.createCluster(registered, kubeconfig: .source(source))
        #expect(try await store.kubeconfig(ofCluster: registered.id) == .source(source))
    }

    static func key(_ byte: UInt8) -> [UInt8] { Array(repeating: byte, count: 32) }

    func rawKubeconfig() throws -> String? {
        try SQLiteConnection(path: path).query("SELECT kubeconfig FROM clusters").first?.first?.string
    }

    @Test("kubeconfigs are encrypted at rest and read back in the clear")
    func encryptedAtRest() async throws {
        let cipher = try KubeconfigCipher(keys: [Self.key(1)])
        let store = try SQLiteStore(path: path, cipher: cipher)
        let registered = cluster()
        try await store.createCluster(registered, kubeconfig: .inline("token: s3cr3t"))

        let raw = try #require(try rawKubeconfig())
        #expect(raw.hasPrefix("aesgcm:v1:\(cipher.currentKeyID):"))
        #expect(!raw.contains("s3cr3t"))
        #expect(try await store.kubeconfig(ofCluster: registered.id) == .inline("token: s3cr3t"))
    }

    @Test("rotating keys re-encrypts every kubeconfig at start-up; then the old key can go")
    func keyRotation() async throws {
        let registered = cluster()
        try await SQLiteStore(path: path, cipher: try KubeconfigCipher(keys: [Self.key(1)]))
            .createCluster(registered, kubeconfig: .inline("token: s3cr3t"))

        let rotated = try KubeconfigCipher(keys: [Self.key(2), Self.key(1)])
        _ = try SQLiteStore(path: path, cipher: rotated)
        #expect(try rawKubeconfig()?.hasPrefix("aesgcm:v1:\(rotated.currentKeyID):") == true)

        let newOnly = try SQLiteStore(path: path, cipher: try KubeconfigCipher(keys: [Self.key(2)]))
        #expect(try await newOnly.kubeconfig(ofCluster: registered.id) == .inline("token: s3cr3t"))
    }

    @Test("plaintext kubeconfigs from before encryption are encrypted when a key is first given")
    func encryptsExisting() async throws {
        let registered = cluster()
        try await SQLiteStore(path: path).createCluster(registered, kubeconfig: .inline("token: s3cr3t"))
        #expect(try rawKubeconfig() == "token: s3cr3t")

        let store = try SQLiteStore(path: path, cipher: try KubeconfigCipher(keys: [Self.key(1)]))
        #expect(try rawKubeconfig()?.contains("s3cr3t") == false)
        #expect(try await store.kubeconfig(ofCluster: registered.id) == .inline("token: s3cr3t"))
    }

    @Test("a wrong key, or none, is refused at start-up instead of failing deployments later")
    func wrongKeyRefused() async throws {
        try await SQLiteStore(path: path, cipher: try KubeconfigCipher(keys: [Self.key(1)]))
            .createCluster(cluster(), kubeconfig: .inline("token: s3cr3t"))

        #expect(throws: KubeconfigCipher.Failure.self) { _ = try SQLiteStore(path: path, cipher: try KubeconfigCipher(keys: [Self.key(3)])) }
        #expect(throws: KubeconfigCipher.Failure.self) { _ = try SQLiteStore(path: path) }
    }

    @Test("cluster names are unique among registered clusters")
    func uniqueNames() async throws {
        let store = try SQLiteStore(path: path)
        try await store.createCluster(cluster("prod"), kubeconfig: .inline("k"))
        await #expect(throws: StoreError.self) { try await store.createCluster(cluster("prod"), kubeconfig: .inline("k")) }
    }

    @Test("a cluster with a deployment in flight cannot be deleted; afterwards it can")
    func deleteRefusedWhileBusy() async throws {
        let store = try SQLiteStore(path: path)
        let registered = cluster()
        try await store.createCluster(registered, kubeconfig: .inline("k"))
        let running = deployment(registered, "nginx", at: 1, state: .running)
        try await store.createDeployments([running], desiredVersions: nil)

        await #expect(throws: StoreError.self) { try await store.deleteCluster(registered.id, at: 2) }
        try await store.updateDeployment(running.id) { $0.state = .succeeded }
        try await store.deleteCluster(registered.id, at: 3)
        #expect(try await store.cluster(registered.id) == nil)
    }

    @Test("only the oldest requested deployment per cluster and service is dispatchable, and none while one is active")
    func dispatchOrder() async throws {
        let store = try SQLiteStore(path: path)
        let registered = cluster()
        try await store.createCluster(registered, kubeconfig: .inline("k"))
        let first = deployment(registered, "prometheus", at: 1)
        let second = deployment(registered, "prometheus", at: 2)
        let other = deployment(registered, "nginx", at: 3)
        try await store.createDeployments([second, first, other], desiredVersions: nil)

        #expect(try await store.dispatchableDeployments(now: 10).map(\.id) == [first.id, other.id])
        try await store.updateDeployment(first.id) { $0.state = .running }
        #expect(try await store.dispatchableDeployments(now: 10).map(\.id) == [other.id])
        #expect(try await store.activeDeployments().map(\.id) == [first.id])
    }

    @Test("a deployment backing off is not dispatchable before its time, and holds up later ones")
    func backoffIsRespected() async throws {
        let store = try SQLiteStore(path: path)
        let registered = cluster()
        try await store.createCluster(registered, kubeconfig: .inline("k"))
        var waiting = deployment(registered, "nginx", at: 1)
        waiting.nextAttemptAt = 100
        try await store.createDeployments([waiting, deployment(registered, "nginx", at: 2)], desiredVersions: nil)

        #expect(try await store.dispatchableDeployments(now: 50).isEmpty)
        #expect(try await store.dispatchableDeployments(now: 100).map(\.id) == [waiting.id])
    }

    @Test("concurrent updates of one deployment are never lost")
    func concurrentUpdates() async throws {
        let store = try SQLiteStore(path: path)
        let registered = cluster()
        try await store.createCluster(registered, kubeconfig: .inline("k"))
        let target = deployment(registered, "nginx", at: 1)
        try await store.createDeployments([target], desiredVersions: nil)

        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask { _ = try? await store.updateDeployment(target.id) { $0.attempts += 1 } }
            }
        }
        #expect(try await store.deployment(target.id)?.attempts == 50)
    }

    @Test("a failed transaction writes nothing")
    func atomicCreate() async throws {
        let store = try SQLiteStore(path: path)
        let registered = cluster()
        try await store.createCluster(registered, kubeconfig: .inline("k"))
        let one = deployment(registered, "nginx", at: 1)

        await #expect(throws: (any Error).self) {
            try await store.createDeployments([one, one], desiredVersions: (registered.id, ["nginx": UtilityVersion(chart: "1.0.0")]))
        }
        #expect(try await store.deployments(DeploymentFilter(), page: 0, perPage: 10).isEmpty)
        #expect(try await store.cluster(registered.id)?.utilities.desiredVersions.isEmpty == true)
    }

    @Test("listing filters by cluster, service and state, and pages")
    func filtersAndPages() async throws {
        let store = try SQLiteStore(path: path)
        let a = cluster("a"), b = cluster("b")
        try await store.createCluster(a, kubeconfig: .inline("k"))
        try await store.createCluster(b, kubeconfig: .inline("k"))
        try await store.createDeployments(
            [deployment(a, "nginx", at: 1), deployment(a, "prometheus", at: 2, state: .failed), deployment(b, "nginx", at: 3)],
            desiredVersions: nil)

        #expect(try await store.deployments(DeploymentFilter(cluster: a.id), page: 0, perPage: 10).count == 2)
        #expect(try await store.deployments(DeploymentFilter(service: "nginx"), page: 0, perPage: 10).count == 2)
        #expect(try await store.deployments(DeploymentFilter(state: .failed), page: 0, perPage: 10).count == 1)
        #expect(try await store.deployments(DeploymentFilter(), page: 1, perPage: 2).count == 1)
    }
}
