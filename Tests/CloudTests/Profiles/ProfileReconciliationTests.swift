import FleetAPI
import Foundation
import Testing

@testable import cloud

/// What one keeper pass decides, from profiles, clusters and what was last asked of each
/// (cluster, service): pure, no store.
@Suite("Profile reconciliation")
struct ProfileReconciliationTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)  // a Tuesday, 22:13 UTC

    static func cluster(_ name: String, _ labels: [String: String]) -> ValuesTemplate.ClusterFacts {
        ValuesTemplate.ClusterFacts(id: "id-\(name)", name: name, labels: labels)
    }

    static func logging(revision: Int = 1, prometheus: String = "25.0.0", extra: String = "") throws -> ProfileReconciliation.Revised {
        ProfileReconciliation.Revised(
            profile: try Profile(
                document: """
                    name: logging
                    selector: {matchLabels: {env: prod}}
                    services:
                      fluentbit: {chartVersion: 0.40.0, values: '{logLevel: "{{cluster.labels.loglevel}}"}', dependsOn: [prometheus]}
                      prometheus: {chartVersion: \(prometheus)}
                    \(extra)
                    """
            ),
            revision: revision
        )
    }

    static func spec(_ version: String, _ values: JSONValue? = nil) -> DeploymentSpec {
        DeploymentSpec(action: .apply, chart: ChartRequest(version: version), values: values)
    }

    /// What a pass records for the clusters it enrolled, as if each enrolment had been written.
    static func recorded(_ steps: ProfileReconciliation.Steps) -> [ProfileTarget.Key: ProfileTarget] {
        Dictionary(steps.enrolments.flatMap(\.targets).map { ($0.key, $0) }) { $1 }
    }

    func steps(
        _ profiles: [ProfileReconciliation.Revised],
        _ clusters: [ValuesTemplate.ClusterFacts],
        _ targets: [ProfileTarget.Key: ProfileTarget] = [:],
        now: Date = now
    ) -> ProfileReconciliation.Steps {
        ProfileReconciliation(profiles: profiles, clusters: clusters, targets: targets, now: now).steps()
    }

    @Test("a cluster never asked before is enrolled with every service its profile sets, and what each depends on")
    func enrolment() throws {
        let steps = steps([try Self.logging()], [Self.cluster("a", ["env": "prod", "loglevel": "info"]), Self.cluster("b", ["env": "dev"])])
        #expect(steps.enrolments.map(\.clusterID) == ["id-a"])
        let targets = steps.enrolments[0].targets
        #expect(targets.map(\.service) == ["fluentbit", "prometheus"])
        #expect(targets[0].spec == Self.spec("0.40.0", ["logLevel": "info"]))
        #expect(targets.allSatisfy { $0.profile == "logging" && $0.revision == 1 && $0.onLeave == .keep })
        #expect(steps.enrolments[0].dependsOn == ["fluentbit": ["prometheus"], "prometheus": []])
        #expect(steps.changes.isEmpty && steps.removals.isEmpty && steps.records.isEmpty)
    }

    @Test("once asked, the same render asks nothing again")
    func settled() throws {
        let clusters = [Self.cluster("a", ["env": "prod", "loglevel": "info"])]
        let first = steps([try Self.logging()], clusters)
        let again = steps([try Self.logging()], clusters, Self.recorded(first))
        #expect(again.enrolments.isEmpty && again.changes.isEmpty && again.records.isEmpty && again.removals.isEmpty)
    }

    @Test("a new revision rolls out only to the clusters whose render changed; the rest are recorded at the new revision")
    func changedRenderOnly() throws {
        let clusters = [Self.cluster("a", ["env": "prod", "loglevel": "info"]), Self.cluster("b", ["env": "prod", "loglevel": "debug"])]
        let before = Self.recorded(steps([try Self.logging()], clusters))
        let revised = try Self.logging(revision: 2, prometheus: "25.1.0", extra: "strategy: {batchSize: 1}")
        let steps = steps([revised], clusters, before)
        #expect(steps.enrolments.isEmpty)
        #expect(steps.changes.map(\.service) == ["prometheus"])
        #expect(steps.changes[0].revision == 2 && steps.changes[0].targets.map(\.clusterID) == ["id-a", "id-b"])
        #expect(steps.changes[0].targets.allSatisfy { $0.spec == Self.spec("25.1.0") && $0.revision == 2 })
        // fluentbit renders the same: recorded at revision 2, no work.
        let records = steps.records.compactMap { change -> ProfileTarget? in if case .set(let target) = change { target } else { nil } }
        #expect(records.map(\.service) == ["fluentbit", "fluentbit"] && records.allSatisfy { $0.revision == 2 })
    }

    @Test("a render that fails for one cluster records the failure there and keeps what it was given; the others change")
    func failingRender() throws {
        let clusters = [Self.cluster("a", ["env": "prod", "loglevel": "info"]), Self.cluster("b", ["env": "prod", "loglevel": "debug"])]
        let before = Self.recorded(steps([try Self.logging()], clusters))
        let relabelled = [Self.cluster("a", ["env": "prod"]), Self.cluster("b", ["env": "prod", "loglevel": "warn"])]
        let steps = steps([try Self.logging()], relabelled, before)
        #expect(steps.changes.count == 1 && steps.changes[0].targets.map(\.clusterID) == ["id-b"])
        guard case .set(let failed) = steps.records.first else {
            Issue.record("no failure recorded: \(steps.records)")
            return
        }
        #expect(failed.clusterID == "id-a" && failed.failure == "values.logLevel: cluster.labels.loglevel is not set for cluster a")
        #expect(failed.spec == Self.spec("0.40.0", ["logLevel": "info"]))
    }

    @Test("a cluster that stops matching gets its profile's onLeave: remove is work, keep only forgets; a deleted cluster is forgotten")
    func leaving() throws {
        let prod = [Self.cluster("a", ["env": "prod", "loglevel": "info"]), Self.cluster("b", ["env": "prod", "loglevel": "info"])]
        for (onLeave, removed) in [("remove", 2), ("keep", 0)] {
            let before = Self.recorded(steps([try Self.logging(extra: "onLeave: \(onLeave)")], prod))
            let steps = steps([try Self.logging(extra: "onLeave: \(onLeave)")], [Self.cluster("a", ["env": "dev"])], before)
            #expect(steps.removals.count == removed && steps.removals.allSatisfy { $0.clusterID == "id-a" })
            // The deleted cluster b, and with keep cluster a too, are only forgotten.
            #expect(steps.records.count == 4 - removed)
            #expect(steps.records.allSatisfy { if case .remove = $0 { true } else { false } })
        }
    }

    @Test("with newClusters: next-window a cluster waits outside the profile's window and is enrolled inside it")
    func nextWindow() throws {
        let profile = try Self.logging(extra: "newClusters: next-window\nwindow: {days: [Tue], start: \"23:00\", end: \"23:30\", timeZone: UTC}")
        let clusters = [Self.cluster("a", ["env": "prod", "loglevel": "info"])]
        let outside = steps([profile], clusters)
        #expect(outside.enrolments.isEmpty && outside.waiting.count == 2)
        let inside = steps([profile], clusters, now: Self.now.addingTimeInterval(47 * 60))
        #expect(inside.enrolments.map(\.clusterID) == ["id-a"] && inside.waiting.isEmpty)
    }

    @Test(
        "a change lists the profile's other clusters of the service, also those recorded anew at the revision, so a rollout it supersedes loses none"
    )
    func unchangedAtNewRevision() throws {
        let clusters = [Self.cluster("a", ["env": "prod", "loglevel": "info"]), Self.cluster("b", ["env": "prod", "loglevel": "info"])]
        let before = Self.recorded(steps([try Self.logging()], clusters)).mapValues { target in
            var target = target
            target.rolloutID = "earlier"
            return target
        }
        let relabelled = [Self.cluster("a", ["env": "prod", "loglevel": "info"]), Self.cluster("b", ["env": "prod", "loglevel": "warn"])]
        let steps = steps([try Self.logging(revision: 2)], relabelled, before)
        let change = try #require(steps.changes.first { $0.service == "fluentbit" })
        #expect(change.targets.map(\.clusterID) == ["id-b"])
        #expect(change.unchanged.map(\.clusterID) == ["id-a"] && change.unchanged.allSatisfy { $0.rolloutID == "earlier" })
    }
}
