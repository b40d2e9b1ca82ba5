import FleetAPI
import Foundation
import Logging

/// What a waiting instance has seen of a release's Lease: when it first saw the current version.
struct LeaseSighting: Sendable {
    var version: String
    var firstSeen: ContinuousClock.Instant
}

extension ReleaseManager {
    /// Why the operation holding `latest` is over, when the release's Lease proves it: the Lease
    /// was live when the revision was written and its holder stopped renewing it (`leaseOver`).
    /// nil: no Lease (helm ran without one, and the time bounds decide), a live one, one from an
    /// earlier operation, or none readable.
    func leaseExpired(_ release: ReleaseRef, latest: ReleaseRevision, _ session: HelmSession, seen: inout LeaseSighting?) async -> String? {
        guard let kube = session.leases else { return nil }
        let name = ReleaseLeasing.leaseName(release: release.name)
        guard let lease = try? await kube.lease(namespace: release.namespace, name: name) else { return nil }
        if let updated = latest.updated, let renewed = lease.renewed, renewed + (lease.duration + helm.configuration.maxClockSkew).seconds < updated {
            return nil
        }
        return leaseOver(lease, release, session, seen: &seen)
    }

    /// Waits while a live holder has the release's Lease though its history shows no operation in
    /// progress: a helm that has started but not yet written its pending revision, or one killed
    /// before it did, whose Lease has yet to run out. Returns whether it waited; throws
    /// `releaseHeld` when the Lease is still live at `deadline`, having changed nothing.
    func awaitLease(
        _ release: ReleaseRef,
        _ session: HelmSession,
        hold: ReleaseHold,
        deadline: ContinuousClock.Instant,
        events: ReleaseEvents
    ) async throws(HelmError) -> Bool {
        guard let kube = session.leases, !hold.holderEnded else { return false }
        let name = ReleaseLeasing.leaseName(release: release.name)
        let started = ContinuousClock.now
        var sighting: LeaseSighting?
        var waitingFor: String?
        while let lease = try? await kube.lease(namespace: release.namespace, name: name) {
            if let over = leaseOver(lease, release, session, seen: &sighting) {
                session.note("the release's Lease is abandoned, taken over: \(over)")
                break
            }
            let note = "waiting for another operation on this release: \(lease.holder) holds its Lease \(release.namespace)/\(name)"
            if waitingFor != lease.holder {
                waitingFor = lease.holder
                logger.notice("waiting for the release's Lease", metadata: ["release": "\(release)", "holder": "\(lease.holder)"])
                events.waiting?(note)
            }
            let left = deadline - .now
            guard left > .zero else {
                throw HelmError(kind: .releaseHeld, command: "history", message: "gave up \(note); nothing was changed")
            }
            do {
                try await Task.sleep(for: min(.seconds(1), left))
            } catch {
                throw HelmError(kind: .cancelled, command: "history", message: "cancelled while \(note)")
            }
        }
        guard let waitingFor else { return false }
        events.waiting?(nil)
        session.note("waited \(String(format: "%.0fs", (ContinuousClock.now - started).seconds)) for \(waitingFor) to give up the release's Lease")
        return true
    }

    /// Why `lease` proves its helm gone: not renewed for its whole duration, by its holder's clock
    /// (with the skew hosts may have), or by ours since we first saw this version of it; then the
    /// session's helm runs may take that version over. nil while it may be live.
    private func leaseOver(_ lease: ReleaseLease, _ release: ReleaseRef, _ session: HelmSession, seen: inout LeaseSighting?) -> String? {
        let note =
            "its helm is gone: \(lease.holder) stopped renewing the release's Lease \(release.namespace)/\(ReleaseLeasing.leaseName(release: release.name))"
        guard let renewed = lease.renewed else { return "\(note) (it was never renewed)" }
        if now() > renewed + (lease.duration + helm.configuration.maxClockSkew).seconds {
            return "\(note) (last at \(RFC3339.string(renewed)))"
        }
        guard let sighting = seen, sighting.version == lease.resourceVersion else {
            seen = LeaseSighting(version: lease.resourceVersion, firstSeen: .now)
            return nil
        }
        guard ContinuousClock.now - sighting.firstSeen >= lease.duration else { return nil }
        session.takeOver(leaseVersion: lease.resourceVersion)
        return "\(note) (unchanged for \(lease.duration))"
    }
}
