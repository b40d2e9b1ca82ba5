import FleetAPI
public import Foundation

/// When a pending release may be taken over. Helm's only lock on a release is its latest
/// revision's `pending-*` status: `another operation (install/upgrade/rollback) is in progress`
/// (pkg/action/upgrade.go, v3 and v4) means a helm may still be working on it, perhaps on a
/// provisioner that is partitioned or paused, not that it was abandoned. Helm never clears the
/// status of a process that died, so staleness is decided here from evidence: the revision is
/// older than any live operation can be, or the client knows the operation that wrote it ended.
///
/// An operation that waited gets its whole timeout again once the release is free, counted from
/// then, as if it had been queued: its own pending revision is written after the wait, so every
/// instance's bound (revision time + timeout + slack) still holds for it.
public struct ReleaseHold: Sendable, Hashable {
    /// The operation's own timeout; an earlier attempt at the same deployment had the same one.
    public var operationTimeout: Duration
    /// Added to a timeout: the grace between SIGTERM and SIGKILL, and the clock difference
    /// allowed between the host that wrote a revision's time and this one.
    public var slack: Duration
    /// A rollback (recovering or remediating) runs on the clean-up budget instead.
    public var rollbackTimeout: Duration
    /// The client knows every attempt that may hold the release has ended (its provisioner
    /// restarted, and helm dies with its provisioner), so whatever they left pending is stale now.
    public var holderEnded: Bool

    public init(operationTimeout: Duration, slack: Duration, rollbackTimeout: Duration, holderEnded: Bool = false) {
        self.operationTimeout = operationTimeout
        self.slack = slack
        self.rollbackTimeout = rollbackTimeout
        self.holderEnded = holderEnded
    }

    /// Slack and rollback budget from the helm configuration every instance shares.
    public init(operationTimeout: Duration, configuration: HelmConfiguration, holderEnded: Bool = false) {
        self.init(
            operationTimeout: operationTimeout,
            slack: configuration.gracePeriod + configuration.maxClockSkew,
            rollbackTimeout: configuration.cleanupTimeout,
            holderEnded: holderEnded
        )
    }

    /// The deadline of an operation that has just waited for the release or cleared what an
    /// abandoned operation left: its whole timeout again, counted from now. Its own pending
    /// revision is written after this, so every instance's bound still holds for it.
    public func renewing(_ deadline: ContinuousClock.Instant) -> ContinuousClock.Instant {
        max(deadline, .now + operationTimeout)
    }

    /// Whether `revision` may still be held by a live operation at `now`.
    public func isHeld(_ revision: ReleaseRevision, now: Date) -> Bool {
        revision.status.isPending && isHeld(since: revision.updated, rollback: revision.status == .pendingRollback, now: now)
    }

    /// When `revision` is stale at the latest; nil when helm gave it no readable time, so only
    /// the client's word (`holderEnded`) can free it.
    public func heldUntil(_ revision: ReleaseRevision) -> Date? {
        heldUntil(since: revision.updated, rollback: revision.status == .pendingRollback)
    }

    /// Whether an operation that marked what it works on at `began` (nil: at an unknown time) may
    /// still be running at `now`: the same bound for a Helm release and for anything else an
    /// operation of this timeout marks as its own (an object set's record).
    public func isHeld(since began: Date?, rollback: Bool = false, now: Date) -> Bool {
        guard !holderEnded else { return false }
        guard let until = heldUntil(since: began, rollback: rollback) else { return true }
        return now < until
    }

    /// When an operation that began at `began` has certainly ended; nil for an unknown start.
    public func heldUntil(since began: Date?, rollback: Bool = false) -> Date? {
        let timeout = rollback ? max(operationTimeout, rollbackTimeout) : operationTimeout
        return began.map { $0 + (timeout + slack).seconds }
    }
}
