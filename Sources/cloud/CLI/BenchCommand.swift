import ArgumentParser
import FleetAPI
import Foundation

/// `cloud bench-store`: how fast a database is for the cloud server's own access patterns, the
/// way `etcdctl check perf` or `pgbench` answer that for theirs. Writes into a NEW database only.
struct BenchStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-store",
        abstract: "Time the store on a new, empty database: inserts finished deployments one transaction each, then lists them by cluster and state.",
        discussion: """
            Prints one JSON object: insert_ms (the --timed inserts, one transaction each, made after \
            the rest went in transactions of 1,000), timed (how many), list_cluster_ms (median of listing one \
            cluster's deployments), list_cluster_state_ms (the same in one state), drifted_ms (median of \
            listing the fleet's drifted utilities, with --drifted of the clusters drifted), list_state_ms \
            (every deployment in one state, in pages of 1000). The data stays, so the database can then \
            be served (memory benchmarks).
            """,
        shouldDisplay: false
    )

    @Option(help: "The database to create, as for `cloud server --database`.")
    var database: String

    @Option(help: "Deployments to insert.")
    var deployments = 10_000

    @Option(help: "Of the deployments, how many are inserted last, one transaction each (as the API writes), and timed (default: all).")
    var timed: Int?

    @Option(help: "Clusters they are spread over.")
    var clusters = 100

    @Option(help: "Percent of the clusters with a drifted utility.")
    var drifted = 1

    func validate() throws {
        guard deployments >= 1, clusters >= 1, clusters <= deployments else {
            throw ValidationError("--deployments and --clusters must be at least 1, with no more clusters than deployments")
        }
        guard (1...deployments).contains(timed ?? deployments) else { throw ValidationError("--timed must be between 1 and --deployments") }
        guard (0...100).contains(drifted) else { throw ValidationError("--drifted is a percentage, 0 to 100") }
    }

    func run() async throws {
        let store = try await ServerRunCommand.openStore(database, secretKeyFile: nil)
        guard try await store.clusters(label: nil, page: 0, perPage: 1).isEmpty else {
            throw ValidationError("--database: refusing to add benchmark data to a database that already has clusters")
        }
        let now = Date().millisecondsSince1970
        var clusterIDs: [String] = []
        for index in 0..<clusters {
            let cluster = Cluster(id: ID.make(), name: "bench-\(index)", dns: nil, labels: ["bench"], utilities: UtilityMetadata(), createAt: now)
            try await store.createCluster(cluster, kubeconfig: .inline("apiVersion: v1\nkind: Config\n"))
            clusterIDs.append(cluster.id)
        }
        let timed = self.timed ?? deployments
        // Only filling the database, not measured: as fast as the store takes them.
        for batch in stride(from: 0, to: deployments - timed, by: 1000) {
            let batch = (batch..<min(batch + 1000, deployments - timed)).map { Self.finishedDeployment($0, of: clusterIDs, at: now) }
            try await store.createDeployments(batch, desiredVersions: nil)
        }
        let insert = try await Self.time {
            for index in (deployments - timed)..<deployments {
                try await store.createDeployments([Self.finishedDeployment(index, of: clusterIDs, at: now)], desiredVersions: nil)
            }
        }
        for clusterID in clusterIDs.prefix(clusters * drifted / 100) {
            try await store.updateUtilities(ofCluster: clusterID) {
                $0.drift = ["service-0": DriftStatus(state: .drifted, reasons: ["Deployment/service-0 deleted"], checkedAt: now)]
            }
        }
        var byCluster: [Double] = []
        var byClusterAndState: [Double] = []
        var driftedListing: [Double] = []
        for clusterID in clusterIDs.prefix(100) {
            byCluster.append(
                try await Self.time {
                    _ = try await store.deployments(DeploymentFilter(cluster: clusterID), page: 0, perPage: 1000)
                }
            )
            byClusterAndState.append(
                try await Self.time {
                    _ = try await store.deployments(DeploymentFilter(cluster: clusterID, state: .succeeded), page: 0, perPage: 1000)
                }
            )
        }
        for _ in 0..<21 {
            driftedListing.append(
                try await Self.time {
                    _ = try await store.driftedClusters().flatMap { cluster in (cluster.utilities.drift ?? [:]).filter { $0.value.state == .drifted }
                    }
                }
            )
        }
        let byState = try await Self.time {
            var page = 0
            while try await !store.deployments(DeploymentFilter(state: .succeeded), page: page, perPage: 1000).isEmpty { page += 1 }
        }
        let report: [String: Double] = [
            "deployments": Double(deployments), "clusters": Double(clusters), "insert_ms": insert, "timed": Double(timed),
            "list_cluster_ms": Self.median(byCluster), "list_cluster_state_ms": Self.median(byClusterAndState),
            "drifted_ms": Self.median(driftedListing), "list_state_ms": byState,
        ]
        print(String(decoding: try JSONEncoder.sorted.encode(report), as: UTF8.self))
    }

    /// What most of a long-lived database holds: finished deployments with their helm log, made
    /// by the lifecycle and ended as a provisioner's success would have ended them.
    private static func finishedDeployment(_ index: Int, of clusterIDs: [String], at now: Int64) -> Deployment {
        let lifecycle = DeploymentLifecycle(configuration: .init())
        // Three services, as a cluster holds; their names do not matter to the store.
        var (deployment, _) = lifecycle.created(
            clusterID: clusterIDs[index % clusterIDs.count],
            service: ServiceName("service-\(index % 3)"),
            spec: DeploymentSpec(action: .apply, chart: ChartRequest(version: "1.0.\(index % 10)"), values: ["replicas": .number(2)]),
            timeoutSeconds: 600
        )
        deployment.createAt = now + Int64(index)
        deployment.updateAt = deployment.createAt
        deployment.state = .succeeded
        deployment.attempts = 1
        deployment.endAt = deployment.createAt + 30_000
        deployment.log = ["helm upgrade \(deployment.service): ok in 4.2s"]
        return deployment
    }

    private static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// Milliseconds `body` took.
    private static func time(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        return (ContinuousClock.now - start).seconds * 1000
    }
}

extension JSONEncoder {
    fileprivate static var sorted: JSONEncoder {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}
