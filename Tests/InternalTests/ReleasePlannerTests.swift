import Testing
@testable import Internal

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

    @Test("the rollback policy returns a failed upgrade to the previous deployed revision")
    func rollbackPolicy() {
        #expect(ReleasePlanner.remediation(for: history(.superseded, .deployed, .failed), policy: .rollback)
            == .rollback(toRevision: 2))
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
