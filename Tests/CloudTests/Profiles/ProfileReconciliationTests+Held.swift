import FleetAPI
import Foundation
import Testing

@testable import cloud

extension ProfileReconciliationTests {
    /// What a pass recorded for cluster `a`, its prometheus target held after its rollout was undone.
    static func held() throws -> (clusters: [ValuesTemplate.ClusterFacts], targets: [ProfileTarget.Key: ProfileTarget]) {
        let clusters = [cluster("a", ["env": "prod", "loglevel": "info"])]
        var targets = recorded(ProfileReconciliation(profiles: [try logging()], clusters: clusters, targets: [:], now: now).steps())
        let key = ProfileTarget.Key(clusterID: "id-a", service: "prometheus")
        targets[key]?.held = ProfileTarget.Held(revision: 1, rolloutID: "r1", undoneBy: "r2", reason: "halted")
        return (clusters, targets)
    }

    @Test("a held revision asks nothing again: the cluster keeps what it had")
    func heldRevisionStays() throws {
        let (clusters, targets) = try Self.held()
        let again = steps([try Self.logging()], clusters, targets)
        #expect(again.enrolments.isEmpty && again.changes.isEmpty && again.records.isEmpty && again.removals.isEmpty)
    }

    @Test("a new revision after a held one rolls out even where it renders the same, and is no longer held")
    func newRevisionAfterHeld() throws {
        let (clusters, targets) = try Self.held()
        let steps = steps([try Self.logging(revision: 2)], clusters, targets)
        #expect(steps.changes.map(\.service) == ["prometheus"])
        #expect(steps.changes.first?.targets.map(\.held) == [nil])
        #expect(steps.changes.first?.targets.map(\.revision) == [2])
    }
}
