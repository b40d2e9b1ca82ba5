import FleetAPI
import Foundation
import Logging
import TestSupport
import Testing

@testable import cloud

/// Histories with deletes among them, run through the supervisor as the provisioners report them,
/// then their finished statuses replayed in other orders (a restarted provisioner's feed, a
/// restarted server, a second server): the record stays at the last deployment run.
extension UtilityRecordTests {
    /// One deployment of a history: an apply of `version` that left `revision` of installation
    /// `installed`, or a delete.
    struct Step: CustomStringConvertible {
        var action: DeploymentAction
        var version: String
        var revision: Int
        var installed: String

        var description: String { action == .delete ? "delete" : "\(version)@\(installed)\(revision)" }

        /// `count` steps of applies and deletes, revisions counted as Helm does: from 1 again in the
        /// installation after a delete.
        static func randomHistory(_ count: Int, using generator: inout some RandomNumberGenerator) -> [Step] {
            var steps: [Step] = []
            var installation = 0
            var revision = 0
            for index in 0..<count {
                if revision > 0, Int.random(in: 0..<4, using: &generator) == 0 {
                    steps.append(Step(action: .delete, version: "", revision: revision, installed: "\(installation)"))
                    installation += 1
                    revision = 0
                } else {
                    revision += 1
                    steps.append(Step(action: .apply, version: "25.\(index).0", revision: revision, installed: "\(installation)"))
                }
            }
            return steps
        }
    }

    /// Runs `steps` on a new cluster one after another, as the supervisor does (a cluster's service
    /// runs one deployment at a time), and returns each one's success report.
    static func run(
        _ steps: [Step],
        on store: any Store,
        _ supervisor: Supervisor
    ) async throws -> (cluster: String, reports: [(String, DeploymentStatus)]) {
        let cluster = Cluster(id: ID.make(), name: ID.make(), dns: nil, labels: [], utilities: UtilityMetadata(), createAt: 1)
        try await store.createCluster(cluster, kubeconfig: .inline("k"))
        var reports: [(String, DeploymentStatus)] = []
        for step in steps {
            let chart = ChartRequest(version: step.action == .apply ? step.version : nil)
            let deployment = Deployment.running(cluster: cluster.id, service: "prometheus", action: step.action, chart: chart)
            try await store.createDeployments([deployment], desiredVersions: nil)
            var status = DeploymentStatus(
                id: try #require(deployment.provisionerDeploymentID),
                clusterID: cluster.id,
                service: "prometheus",
                action: step.action,
                chart: chart,
                state: .succeeded,
                createAt: 1
            )
            if step.action == .apply { status.release = release("prometheus-\(step.version)", step.revision, installed: step.installed) }
            try await supervisor.apply(.reported(status), to: deployment.id)
            reports.append((deployment.id, status))
        }
        return (cluster.id, reports)
    }

    /// What the cluster's record must say after `steps`: the last one's version, or none.
    static func expectRecord(_ store: any Store, _ cluster: String, after steps: [Step], _ comment: Comment) async throws {
        let utilities = try #require(try await store.cluster(cluster)).utilities
        let last = try #require(steps.last)
        let version = last.action == .apply ? UtilityVersion(chart: last.version) : nil
        #expect(utilities.actualVersions["prometheus"] == .some(version), comment)
        #expect(utilities.actualReleases?["prometheus"]?.revision == (last.action == .apply ? last.revision : nil), comment)
    }

    static func supervisor(_ store: any Store) -> Supervisor {
        Supervisor(store: store, pool: ProvisionerPool(urls: []), configuration: .init(), logger: Logger(label: "test"))
    }

    @Test(
        "a history with a delete, its successes replayed in every order, leaves the record at the last deployment run",
        arguments: permutations([0, 1, 2, 3])
    )
    func everyReplayOrderWithDeletes(_ order: [Int]) async throws {
        let store = try await StoreDatabase.make(.sqlite).open()
        let supervisor = Self.supervisor(store)
        let steps = [
            Step(action: .apply, version: "25.17.0", revision: 1, installed: "A"),
            Step(action: .apply, version: "25.18.0", revision: 2, installed: "A"),
            Step(action: .delete, version: "", revision: 2, installed: "A"),
            Step(action: .apply, version: "25.16.0", revision: 1, installed: "B"),
        ]
        let (cluster, reports) = try await Self.run(steps, on: store, supervisor)
        for index in order { try await supervisor.apply(.reported(reports[index].1), to: reports[index].0) }
        try await Self.expectRecord(store, cluster, after: steps, "replayed \(order)")
    }

    @Test(
        "random histories of applies and deletes, replayed in random orders, leave the record at the last deployment run",
        arguments: StoreTests.backends
    )
    func randomReplaysWithDeletes(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        let supervisor = Self.supervisor(store)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let steps = Step.randomHistory(Int.random(in: 2...8, using: &generator), using: &generator)
            let (cluster, reports) = try await Self.run(steps, on: store, supervisor)
            let replays = (reports + reports.filter { _ in Bool.random(using: &generator) }).shuffled(using: &generator)
            for (id, status) in replays { try await supervisor.apply(.reported(status), to: id) }
            try await Self.expectRecord(
                store,
                cluster,
                after: steps,
                "\(steps), replayed as \(replays.map { reports.map(\.0).firstIndex(of: $0.0) ?? -1 })"
            )
        }
    }
}
