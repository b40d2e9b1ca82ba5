import FleetAPI
import Foundation
import Logging

extension ReleaseManager {
    /// The release's history once no live operation can hold it, and whether that took waiting:
    /// while its latest revision is pending and not provably stale (`ReleaseHold`), it is looked
    /// at again every `heldReleasePoll`; then a live Lease is waited for (`awaitLease`). Throws
    /// `releaseHeld` when the operation still holds it at `deadline`, having changed nothing, and
    /// `cancelled` when the caller gives up first.
    func awaitRelease(
        _ release: ReleaseRef,
        _ session: HelmSession,
        hold: ReleaseHold,
        deadline: ContinuousClock.Instant,
        events: ReleaseEvents
    ) async throws(HelmError) -> (history: [ReleaseRevision], waited: Bool) {
        var history = try await session.history(release)
        let started = ContinuousClock.now
        var waitingFor: ReleaseRevision?
        var sighting: LeaseSighting?
        var abandoned = false
        while let latest = history.last, hold.isHeld(latest, now: now()) {
            if let over = await leaseExpired(release, latest: latest, session, seen: &sighting) {
                session.note("revision \(latest.revision) (\(latest.status)) is abandoned, taken over: \(over)")
                abandoned = true
                break
            }
            let note = Self.waitingNote(latest, release: release, hold: hold)
            if waitingFor != latest {
                waitingFor = latest
                logger.notice(
                    "waiting for another operation on the release",
                    metadata: [
                        "release": "\(release)", "revision": "\(latest.revision)", "status": "\(latest.status)",
                        "heldUntil": "\(hold.heldUntil(latest).map(RFC3339.string) ?? "unknown")",
                    ]
                )
                events.waiting?(note)
            }
            let left = deadline - .now
            guard left > .zero else {
                throw HelmError(kind: .releaseHeld, command: "history", message: "gave up \(note); nothing was changed")
            }
            // Looked at again on the poll (sooner while a Lease is watched), and right after it
            // turns stale, if that comes sooner.
            var pause = min(sighting == nil ? helm.configuration.heldReleasePoll : .seconds(1), left)
            if let until = hold.heldUntil(latest) {
                pause = min(pause, .milliseconds(max(0, Int(until.timeIntervalSince(now()) * 1000)) + 50))
            }
            do {
                try await Task.sleep(for: pause)
            } catch {
                throw HelmError(kind: .cancelled, command: "history", message: "cancelled while \(note)")
            }
            history = try await session.history(release)
        }
        if let waitingFor {
            events.waiting?(nil)
            let waited = String(format: "%.0fs", (ContinuousClock.now - started).seconds)
            session.note("waited \(waited) for the operation that wrote revision \(waitingFor.revision) (\(waitingFor.status))")
        }
        // What the history shows no more may still run: a helm yet to write its revision.
        if !abandoned, try await awaitLease(release, session, hold: hold, deadline: deadline, events: events) {
            return (try await session.history(release), true)
        }
        return (history, waitingFor != nil)
    }

    static func waitingNote(_ revision: ReleaseRevision, release: ReleaseRef, hold: ReleaseHold) -> String {
        let since = revision.updated.map { " since \(RFC3339.string($0))" } ?? ""
        let until = hold.heldUntil(revision).map { "; taken as abandoned at \(RFC3339.string($0))" } ?? ""
        return "waiting for another operation on this release: revision \(revision.revision) of \(release) is \(revision.status)\(since)\(until)"
    }
}
