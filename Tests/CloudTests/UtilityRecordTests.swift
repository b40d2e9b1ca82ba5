import Foundation
import Internal
import TestSupport
import Testing

@testable import cloud

/// What a cluster is recorded to run follows the order the provisioners applied (the release
/// revision each apply produced), whatever order the results arrive in.
@Suite("Recorded utility versions")
struct UtilityRecordTests {
    /// A finished apply of prometheus `version` that left the release at `revision`.
    static func applied(_ version: String, revision: Int, cluster: String = "c1") -> Deployment {
        var deployment = Deployment.requested(
            clusterID: cluster,
            service: "prometheus",
            action: .apply,
            chart: ChartRequest(version: version),
            values: nil,
            timeoutSeconds: nil,
            now: Int64(revision)
        )
        deployment.state = .succeeded
        deployment.release = ReleaseInfo(
            name: "prometheus",
            namespace: "prometheus",
            revision: revision,
            status: .deployed,
            chart: "prometheus-\(version)"
        )
        return deployment
    }

    static let history = [applied("25.17.0", revision: 1), applied("25.18.0", revision: 2), applied("25.19.0", revision: 3)]

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(rest).map { [first] + $0 }
        }
    }

    @Test("applies recorded in every order leave the last one applied", arguments: permutations([0, 1, 2]))
    func everyOrder(_ order: [Int]) {
        var utilities = UtilityMetadata()
        for index in order { utilities.recordFinished(Self.history[index]) }
        #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.19.0")), "\(order)")
        #expect(utilities.actualRevisions?["prometheus"] == 3)
    }

    @Test("results replayed and arriving in random orders, through the store, never move the record backwards", arguments: StoreTests.backends)
    func randomOrdersThroughTheStore(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<30 {
            let cluster = Cluster(id: ID.make(), name: "c\(round)", dns: nil, labels: [], utilities: UtilityMetadata(), createAt: 1)
            try await store.createCluster(cluster, kubeconfig: .inline("k"))
            let count = Int.random(in: 2...6, using: &generator)
            let applies = (1...count).map { Self.applied("25.\($0).0", revision: $0, cluster: cluster.id) }
            // Each result arrives once or twice (a restart replays it), in any order.
            let arrivals = (applies + applies.filter { _ in Bool.random(using: &generator) }).shuffled(using: &generator)
            for deployment in arrivals {
                try await store.updateUtilities(ofCluster: cluster.id) { $0.recordFinished(deployment) }
            }
            let recorded = try #require(try await store.cluster(cluster.id)).utilities
            #expect(recorded.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.\(count).0")), "\(arrivals.map(\.release?.revision))")
            #expect(recorded.actualRevisions?["prometheus"] == count)
        }
    }

    @Test("a delete clears the record, and the next install is recorded from its first revision")
    func deleteThenInstall() {
        var utilities = UtilityMetadata()
        utilities.recordFinished(Self.applied("25.18.0", revision: 4))
        var delete = Self.applied("25.18.0", revision: 4)
        delete.action = .delete
        delete.release = nil
        utilities.recordFinished(delete)
        #expect(utilities.actualVersions["prometheus"] == .some(nil))
        utilities.recordFinished(Self.applied("25.19.0", revision: 1))
        #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.19.0")))
    }

    @Test("a drift check's deployed release newer than the record corrects it; an older or pending one does not")
    func deployedReleaseCorrects() {
        var utilities = UtilityMetadata()
        utilities.recordFinished(Self.applied("25.18.0", revision: 2))
        let release = { (chart: String, revision: Int, status: ReleaseStatus) in
            ReleaseInfo(name: "prometheus", namespace: "prometheus", revision: revision, status: status, chart: chart)
        }
        let older = utilities.recordDeployed("prometheus", release: release("prometheus-25.17.0", 1, .deployed))
        let pending = utilities.recordDeployed("prometheus", release: release("prometheus-25.19.0", 3, .pendingUpgrade))
        #expect(!older && !pending)
        #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.18.0")))
        let newer = utilities.recordDeployed("prometheus", release: release("prometheus-25.19.0", 3, .deployed))
        #expect(newer && utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.19.0")))
        let unmanaged = utilities.recordDeployed("nginx", release: release("ingress-nginx-4.15.1", 1, .deployed))
        #expect(!unmanaged, "only utilities the record holds")
    }

    @Test(
        "a chart string's version, though names and versions both hold '-'",
        arguments: [
            ("ingress-nginx-4.15.1", "4.15.1"), ("node-problem-detector-2.3.12", "2.3.12"), ("app-1.0.0-rc.1", "1.0.0-rc.1"),
            ("app-v2.0.0", "v2.0.0"), ("no-version", nil),
        ] as [(String, String?)]
    )
    func versionInChart(_ chart: String, _ version: String?) {
        #expect(ChartVersion.version(inChart: chart) == version)
    }
}
