import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// What a cluster is recorded to run follows the order the provisioners applied (the release
/// revision each apply produced, within one installation of the release), whatever order the
/// results arrive in.
@Suite("Recorded utility versions")
struct UtilityRecordTests {
    /// A finished apply of prometheus `version` that left the release at `revision` of the
    /// installation first deployed at `installed`.
    static func applied(_ version: String, revision: Int, installed: String? = "A", cluster: String = "c1") -> Deployment {
        var deployment = Deployment.requested(
            clusterID: cluster,
            service: "prometheus",
            spec: DeploymentSpec(action: .apply, chart: ChartRequest(version: version), values: nil),
            timeoutSeconds: nil,
            now: Int64(revision)
        )
        deployment.state = .succeeded
        deployment.release = release("prometheus-\(version)", revision, installed: installed)
        return deployment
    }

    static func release(_ chart: String, _ revision: Int, _ status: ReleaseStatus = .deployed, installed: String? = "A") -> ReleaseInfo {
        ReleaseInfo(name: "prometheus", namespace: "prometheus", revision: revision, status: status, chart: chart, firstDeployed: installed)
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
        #expect(utilities.actualReleases?["prometheus"]?.revision == 3)
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
            #expect(recorded.actualReleases?["prometheus"]?.revision == count)
        }
    }

    @Test("a delete clears the record, and the next installation is recorded from its first revision")
    func deleteThenInstall() {
        var utilities = UtilityMetadata()
        utilities.recordFinished(Self.applied("25.18.0", revision: 4))
        var delete = Self.applied("25.18.0", revision: 4)
        delete.action = .delete
        delete.release = nil
        utilities.recordFinished(delete)
        #expect(utilities.actualVersions["prometheus"] == .some(nil) && utilities.actualReleases?["prometheus"] == nil)
        utilities.recordFinished(Self.applied("25.19.0", revision: 1, installed: "B"))
        #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.19.0")))
    }

    @Test("another installation's first revision is recorded over an earlier installation's higher one (an uninstall by hand)")
    func reinstalledByHand() {
        var utilities = UtilityMetadata()
        utilities.recordFinished(Self.applied("25.18.0", revision: 4, installed: "A"))
        let recorded = utilities.recordFinished(Self.applied("25.19.0", revision: 1, installed: "B"))
        #expect(recorded)
        #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.19.0")))
        #expect(utilities.actualReleases?["prometheus"] == RecordedRelease(Self.release("prometheus-25.19.0", 1, installed: "B")))
    }

    @Test("an earlier revision whose installation is unknown is still older than the one recorded")
    func unknownInstallationOrderedByRevision() {
        var utilities = UtilityMetadata()
        utilities.recordFinished(Self.applied("25.18.0", revision: 4, installed: "A"))
        let recorded = utilities.recordFinished(Self.applied("25.17.0", revision: 3, installed: nil))
        #expect(!recorded)
        #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.18.0")))
    }

    @Test("a drift check's deployed release newer than the record corrects it; an older or pending one does not")
    func deployedReleaseCorrects() {
        var utilities = UtilityMetadata()
        utilities.recordFinished(Self.applied("25.18.0", revision: 2))
        let older = utilities.recordDeployed("prometheus", release: Self.release("prometheus-25.17.0", 1))
        let pending = utilities.recordDeployed("prometheus", release: Self.release("prometheus-25.19.0", 3, .pendingUpgrade))
        #expect(!older && !pending)
        #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.18.0")))
        let newer = utilities.recordDeployed("prometheus", release: Self.release("prometheus-25.19.0", 3))
        #expect(newer && utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.19.0")))
        let unmanaged = utilities.recordDeployed("nginx", release: Self.release("ingress-nginx-4.15.1", 1))
        #expect(!unmanaged, "only utilities the record holds")
    }

    @Test("a drift check that finds another installation corrects the record, whatever its revision")
    func deployedInstallationCorrects() {
        var utilities = UtilityMetadata()
        utilities.recordFinished(Self.applied("25.18.0", revision: 5, installed: "A"))
        let corrected = utilities.recordDeployed("prometheus", release: Self.release("prometheus-25.17.0", 1, installed: "B"))
        #expect(corrected && utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.17.0")))
        let again = utilities.recordDeployed("prometheus", release: Self.release("prometheus-25.17.0", 1, installed: "B"))
        #expect(!again, "seen already")
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

    @Test("an apply of the same version from other content records the new digest and is a cluster.chart-changed event")
    func chartDigestChanged() {
        let (first, second) = ("sha256:" + String(repeating: "1", count: 64), "sha256:" + String(repeating: "2", count: 64))
        var before = UtilityMetadata()
        var earlier = Self.applied("25.18.0", revision: 1)
        earlier.chartDigest = first
        before.recordFinished(earlier)
        var after = before
        var again = Self.applied("25.18.0", revision: 2)
        again.chartDigest = second
        after.recordFinished(again)
        var same = after
        var repeated = Self.applied("25.18.0", revision: 3)
        repeated.chartDigest = second
        same.recordFinished(repeated)

        let events = FleetEvent.utilitiesChanged(cluster: "c1", from: before, to: after)
        #expect(after.actualReleases?["prometheus"]?.chartDigest == second)
        #expect(events.map(\.type) == ["cluster.chart-changed"])
        #expect(events.first?.summary == "cluster c1: prometheus 25.18.0 was installed from other content: chart digest \(first) is now \(second)")
        #expect(FleetEvent.utilitiesChanged(cluster: "c1", from: after, to: same).isEmpty, "the same content again is no change")
    }
}
