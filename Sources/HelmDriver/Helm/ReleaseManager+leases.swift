import FleetAPI
import Foundation

/// What a waiting instance has seen of a release's Lease: when it first saw the current version.
struct LeaseSighting: Sendable {
    var version: String
    var firstSeen: ContinuousClock.Instant
}

extension ReleaseManager {
    /// Why the operation holding `latest` is over, when the release's Lease proves it: the Lease
    /// was live when the revision was written and has not been renewed for its whole duration,
    /// by its holder's clock (with the skew hosts may have) or by ours since we first saw it
    /// unchanged. nil: no Lease (helm ran without one, and the time bounds decide), a live one,
    /// one from an earlier operation, or none readable.
    func leaseExpired(_ release: ReleaseRef, latest: ReleaseRevision, _ session: HelmSession, seen: inout LeaseSighting?) async -> String? {
        guard let kube = session.leases else { return nil }
        let name = ReleaseLeasing.leaseName(release: release.name)
        guard let lease = try? await kube.lease(namespace: release.namespace, name: name) else { return nil }
        let skew = helm.configuration.maxClockSkew
        if let updated = latest.updated, let renewed = lease.renewed, renewed + (lease.duration + skew).seconds < updated { return nil }
        let note = "its helm is gone: \(lease.holder) stopped renewing the release's Lease \(release.namespace)/\(name)"
        if let renewed = lease.renewed, now() > renewed + (lease.duration + skew).seconds {
            return "\(note) (last at \(RFC3339.string(renewed)))"
        }
        guard let sighting = seen, sighting.version == lease.resourceVersion else {
            seen = LeaseSighting(version: lease.resourceVersion, firstSeen: .now)
            return nil
        }
        return ContinuousClock.now - sighting.firstSeen >= lease.duration ? "\(note) (unchanged for \(lease.duration))" : nil
    }
}
