import ArgumentParser
import FleetAPI
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `cloud bench-profiles`: the profile keeper's own cost at fleet scale. On a new database, with
/// `--clusters` registered and `--profiles` profiles already kept (every target recorded), one
/// profile gets a revision that changes its render for every cluster it selects; the pass that
/// decides the change (reading profiles, clusters and targets, matching and rendering every
/// cluster) is timed in CPU seconds of this process, as the cloud server would spend them.
struct BenchProfilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-profiles",
        abstract: "Time a profile keeper pass over a fleet on a new database: a change matched and rendered for every cluster.",
        discussion: """
            Prints one JSON object: clusters, profiles, pairs (the (cluster, service) pairs the \
            profiles set), changed (those the new revision changes), cpu_seconds and wall_seconds of the \
            pass that decided it, and read_cpu_seconds, the part spent reading the store.
            """,
        shouldDisplay: false
    )

    @Option(help: "The database to create, as for `cloud server --database`.")
    var database: String

    @Option(help: "Registered clusters.")
    var clusters = 10_000

    @Option(help: "Profiles, each setting its own service on the clusters labelled env=prod (half of them).")
    var profiles = 5

    func validate() throws {
        guard clusters >= 1, (1...5).contains(profiles) else { throw ValidationError("--clusters at least 1, --profiles 1 to 5") }
    }

    /// Each with a chart version the testbed has, so a server started on the database can deploy them.
    static let services = [
        ("fluentbit", "0.40.0"), ("nginx", "4.15.1"), ("prometheus", "25.18.0"), ("metrics-server", "3.12.1"), ("node-problem-detector", "2.3.12"),
    ]

    /// A kubeconfig the provisioners parse and accept with `--allowed-api-server 127.0.0.0/8`; a
    /// stubbed helm never uses it.
    static let kubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: bench
          cluster: {server: "https://127.0.0.1:1"}
        contexts:
        - name: bench
          context: {cluster: bench, user: bench}
        current-context: bench
        users:
        - name: bench
          user: {token: bench}
        """

    static func document(_ index: Int, logLevel: String) -> String {
        """
        name: bench-\(index)
        selector:
          matchLabels: {env: prod}
          matchExpressions: [{key: region, operator: In, values: [eu, us]}]
        services:
          \(services[index].0):
            chartVersion: \(services[index].1)
            values: |
              cluster: "{{cluster.name}}"
              logLevel: "{{cluster.labels.loglevel}}"
              level: "\(logLevel)"
        """
    }

    func run() async throws {
        let store = try await ServerRunCommand.openStore(database, secretKeyFile: nil)
        guard try await store.clusters(label: nil, page: 0, perPage: 1).isEmpty else {
            throw ValidationError("--database: refusing to add benchmark data to a database that already has clusters")
        }
        let now = Date().millisecondsSince1970
        for index in 0..<clusters {
            let labels = ["env=\(index % 2 == 0 ? "prod" : "dev")", "region=\(index % 4 < 2 ? "eu" : "us")", "loglevel=info"]
            let cluster = Cluster(id: ID.make(), name: "bench-\(index)", dns: nil, labels: labels, utilities: UtilityMetadata(), createAt: now)
            try await store.createCluster(cluster, kubeconfig: .inline(Self.kubeconfig))
        }
        for index in 0..<profiles {
            _ = try await store.saveProfile(
                name: "bench-\(index)",
                document: Self.document(index, logLevel: "a"),
                author: nil,
                commit: nil,
                at: now,
                audit: nil
            )
        }
        let supervisor = Supervisor(store: store, pool: ProvisionerPool(urls: []), configuration: .init(), logger: Logger(label: "bench"))
        let fleet = Fleet(supervisor: supervisor)
        // What the keeper would have recorded once every cluster was enrolled.
        let kept = try await fleet.profileReconciliation().steps().enrolments.flatMap(\.targets).map(ProfileTargetChange.set)
        for batch in stride(from: 0, to: kept.count, by: 1000) {
            try await store.changeProfileTargets(Array(kept[batch..<min(batch + 1000, kept.count)]))
        }
        _ = try await store.saveProfile(name: "bench-0", document: Self.document(0, logLevel: "b"), author: nil, commit: nil, at: now, audit: nil)

        let (cpuBefore, wallBefore) = (Self.cpuSeconds(), ContinuousClock.now)
        let reconciliation = try await fleet.profileReconciliation()
        let read = Self.cpuSeconds() - cpuBefore
        let steps = reconciliation.steps()
        let (cpu, wall) = (Self.cpuSeconds() - cpuBefore, (ContinuousClock.now - wallBefore) / .seconds(1))
        let changed = steps.changes.reduce(0) { $0 + $1.targets.count }
        // Left as kept at the new revision: a server started on the database has nothing to do.
        let asked = steps.changes.flatMap(\.targets).map(ProfileTargetChange.set) + steps.records
        for batch in stride(from: 0, to: asked.count, by: 1000) {
            try await store.changeProfileTargets(Array(asked[batch..<min(batch + 1000, asked.count)]))
        }
        print(
            #"{"clusters": \#(clusters), "profiles": \#(profiles), "pairs": \#(kept.count), "changed": \#(changed), "cpu_seconds": \#(cpu), "read_cpu_seconds": \#(read), "wall_seconds": \#(wall)}"#
        )
    }

    /// This process's user and system CPU time so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
    }
}
