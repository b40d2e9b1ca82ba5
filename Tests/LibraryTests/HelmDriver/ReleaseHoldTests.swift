import FleetAPI
import Foundation
import HelmDriver
import Testing

/// When a pending release may be taken from whatever wrote it.
@Suite("Release hold")
struct ReleaseHoldTests {
    let hold = ReleaseHold(operationTimeout: .seconds(600), slack: .seconds(25), rollbackTimeout: .seconds(900))
    let written = Date(timeIntervalSince1970: 1_800_000_000)

    func revision(_ status: ReleaseStatus, updated: Date?) -> ReleaseRevision {
        ReleaseRevision(revision: 2, status: status, updated: updated)
    }

    @Test("a pending revision is held until its operation's timeout and the slack have passed since it was written")
    func heldForTimeoutPlusSlack() {
        let pending = revision(.pendingUpgrade, updated: written)
        #expect(hold.isHeld(pending, now: written + 624))
        #expect(!hold.isHeld(pending, now: written + 625))
        #expect(hold.heldUntil(pending) == written + 625)
    }

    @Test("a pending rollback is held for the clean-up budget when that is longer")
    func rollbackUsesCleanupBudget() {
        let pending = revision(.pendingRollback, updated: written)
        #expect(hold.isHeld(pending, now: written + 900))
        #expect(!hold.isHeld(pending, now: written + 925))
    }

    @Test("the client's word that every earlier attempt ended frees a pending revision at once")
    func holderEndedFreesAtOnce() {
        var ended = hold
        ended.holderEnded = true
        #expect(!ended.isHeld(revision(.pendingInstall, updated: written), now: written))
    }

    @Test("a pending revision without a readable time is held: nothing proves it stale")
    func unknownTimeIsHeld() {
        let pending = revision(.pendingInstall, updated: nil)
        #expect(hold.isHeld(pending, now: written + 1_000_000))
        #expect(hold.heldUntil(pending) == nil)
    }

    @Test("revisions that are not pending are never held", arguments: [ReleaseStatus.deployed, .failed, .superseded, .uninstalling])
    func settledIsNotHeld(status: ReleaseStatus) {
        #expect(!hold.isHeld(revision(status, updated: written), now: written))
    }

    @Test("the slack is the helm grace period and the allowed clock skew; rollbacks get the clean-up budget")
    func fromConfiguration() {
        let configuration = HelmConfiguration(gracePeriod: .seconds(10), cleanupTimeout: .seconds(300), maxClockSkew: .seconds(15))
        let hold = ReleaseHold(operationTimeout: .seconds(60), configuration: configuration)
        #expect(hold.slack == .seconds(25))
        #expect(hold.rollbackTimeout == .seconds(300))
    }
}
