import Foundation
import Testing

@testable import FleetAPI
@testable import HelmDriver

@Suite("Recovery and remediation decisions")
struct ReleasePlannerTests {
    func history(_ statuses: ReleaseStatus...) -> [ReleaseRevision] {
        statuses.enumerated().map { ReleaseRevision(revision: $0.offset + 1, status: $0.element) }
    }

    @Test("a healthy or missing release needs no recovery")
    func nothingToRecover() {
        #expect(ReleasePlanner.recovery(for: []) == nil)
        #expect(ReleasePlanner.recovery(for: history(.superseded, .deployed)) == nil)
        #expect(ReleasePlanner.recovery(for: history(.deployed, .failed)) == nil)
    }

    @Test("a pending install that never deployed is uninstalled")
    func pendingInstall() {
        #expect(ReleasePlanner.recovery(for: history(.pendingInstall)) == .uninstall)
    }

    @Test("a pending upgrade goes back to the last deployed revision")
    func pendingUpgrade() {
        #expect(ReleasePlanner.recovery(for: history(.superseded, .deployed, .pendingUpgrade)) == .rollback(toRevision: 2))
    }

    @Test("a failed revision is skipped when looking for a rollback target")
    func skipsFailedRevisions() {
        #expect(ReleasePlanner.recovery(for: history(.deployed, .failed, .pendingRollback)) == .rollback(toRevision: 1))
    }

    @Test("a release that never deployed at all is uninstalled before the next install")
    func neverDeployed() {
        #expect(ReleasePlanner.recovery(for: history(.failed)) == .uninstall)
    }

    @Test("a release left uninstalling by an interrupted uninstall is uninstalled before the next install")
    func halfUninstalled() {
        #expect(ReleasePlanner.recovery(for: history(.deployed, .uninstalling)) == .uninstall)
        #expect(ReleasePlanner.recovery(for: history(.uninstalling)) == .uninstall)
    }

    @Test("the rollback policy returns a failed upgrade to the previous deployed revision")
    func rollbackPolicy() {
        #expect(
            ReleasePlanner.remediation(for: history(.superseded, .deployed, .failed), policy: .rollback)
                == .rollback(toRevision: 2)
        )
        #expect(ReleasePlanner.remediation(for: history(.failed), policy: .rollback) == .uninstall)
    }

    @Test("the uninstall policy removes the release")
    func uninstallPolicy() {
        #expect(ReleasePlanner.remediation(for: history(.deployed, .failed), policy: .uninstall) == .uninstall)
    }

    @Test("the none policy leaves a failed release but still clears a pending one")
    func nonePolicy() {
        #expect(ReleasePlanner.remediation(for: history(.deployed, .failed), policy: .none) == nil)
        #expect(ReleasePlanner.remediation(for: history(.deployed, .pendingUpgrade), policy: .none) == .rollback(toRevision: 1))
    }

    @Test("a failure that made no new revision needs no remediation")
    func noNewRevision() {
        #expect(ReleasePlanner.remediation(for: history(.deployed), policy: .rollback) == nil)
        #expect(ReleasePlanner.remediation(for: [], policy: .rollback) == nil)
    }
}

@Suite("Reading helm history")
struct ReleaseHistoryTests {
    @Test("each revision's updated time is read, whatever its zone and precision")
    func updatedTimes() throws {
        let json = """
            [{"revision":1,"updated":"2026-11-29T08:40:01.123456789Z","status":"superseded","chart":"nginx-4.15.1"},
             {"revision":2,"updated":"2026-11-29T09:40:02+01:00","status":"deployed","chart":"nginx-4.15.1"},
             {"revision":3,"updated":"yesterday","status":"pending-upgrade","chart":"nginx-4.15.1"}]
            """
        let history = try JSONDecoder().decode([ReleaseRevision].self, from: Data(json.utf8))
        let first = try #require(history[0].updated)
        #expect(abs(first.timeIntervalSince1970 - 1_795_941_601.123_456_789) < 0.000_01)
        #expect(history[1].updated?.timeIntervalSince1970 == 1_795_941_602)
        #expect(history[2].updated == nil)
    }
}
