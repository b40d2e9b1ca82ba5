import FleetAPI
import Logging
import ServerSupport
import ServiceLifecycle
import Synchronization

/// Keeps every cluster at its profiles' state: a pass whenever a profile, a cluster or its labels
/// change (`Fleet.profileChanges`), and every `interval` (for windows that open and work that
/// could not start). Of several servers sharing a database, the one holding the `profiles` lease
/// makes the passes, so a change is asked for once.
final class ProfileKeeper: Service, Sendable {
    let fleet: Fleet
    let interval: Duration
    /// The name on the lease: the supervisor's.
    let owner: String
    let logger: Logger

    static let lease = "profiles"
    /// How soon a cluster whose version could not be read is asked again (the drift pass reads it too).
    static let versionRetry: Duration = .seconds(300)
    /// When each cluster's version was last asked for.
    private let versionAsked = Mutex<[String: WallInstant]>([:])

    init(fleet: Fleet, interval: Duration, owner: String, logger: Logger) {
        self.fleet = fleet
        self.interval = interval
        self.owner = owner
        self.logger = logger
    }

    func run() async throws {
        await fleet.profileChanges.serve(every: interval, clock: fleet.clock) { await pass() }
    }

    /// The clusters whose Kubernetes version a profile that selects them needs and nobody has
    /// read; one that did not answer is asked again only after `versionRetry`.
    private func versionsToRead(_ reconciliation: ProfileReconciliation) -> [String] {
        let needing = reconciliation.profiles.map(\.profile).filter(\.needsKubernetesVersion)
        guard !needing.isEmpty else { return [] }
        let now = fleet.clock.now
        let live = Set(reconciliation.clusters.map(\.id))
        return versionAsked.withLock { asked in
            asked = asked.filter { live.contains($0.key) }
            return reconciliation.clusters.filter { cluster in
                guard cluster.kubernetesVersion == nil, needing.contains(where: { $0.selector.matches(cluster.labels) }),
                    asked[cluster.id].map({ now - $0 >= Self.versionRetry }) ?? true
                else { return false }
                asked[cluster.id] = now
                return true
            }.map(\.id)
        }
    }

    /// One pass, if this server holds the lease; what it decided, nil when another server holds it.
    @discardableResult
    func pass() async -> ProfileReconciliation.Steps? {
        do {
            let now = fleet.now()
            // Long enough to outlast a pass between two polls; a killed holder's lease lapses.
            let until = now + (interval * 3).milliseconds
            guard try await fleet.store.claimLeadership(Self.lease, owner: owner, now: now, until: until) else { return nil }
            var reconciliation = try await fleet.profileReconciliation()
            if await fleet.readKubernetesVersions(of: versionsToRead(reconciliation)) {
                reconciliation = try await fleet.profileReconciliation()
            }
            let steps = reconciliation.steps()
            let names = Dictionary(reconciliation.clusters.map { ($0.id, $0.name) }) { $1 }
            for error in await fleet.carryOut(steps, names: names) {
                logger.error("profile step failed; the next pass tries again", metadata: ["error": "\(error)"])
            }
            if !steps.enrolments.isEmpty || !steps.changes.isEmpty || !steps.removals.isEmpty {
                logger.info(
                    "profiles kept",
                    metadata: [
                        "enrolled": "\(steps.enrolments.count)", "rollouts": "\(steps.changes.count)", "removed": "\(steps.removals.count)",
                    ]
                )
            }
            return steps
        } catch {
            logger.error("profile pass failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
