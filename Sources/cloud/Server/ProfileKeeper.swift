import FleetAPI
import Logging
import ServerSupport
import ServiceLifecycle
import Synchronization

/// Keeps every cluster at its profiles' state: a pass whenever a profile, a cluster or its labels
/// change (`Fleet.profileChanges`), and every `interval` (for windows that open and work that
/// could not start). Of several servers sharing a database, the one holding the `profiles` lease
/// makes the passes, so a change is asked for once.
///
/// It also learns every cluster's Kubernetes version once it is registered: a pass reads those a
/// profile needs before it decides; the others are read beside the passes (`readVersions`), so
/// a slow or unreachable cluster never holds up a pass.
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
    /// Versions read by the pass's side, at most this many per round.
    static let versionReadsPerRound = 64
    private let versionReads = Wakeup()

    init(fleet: Fleet, interval: Duration, owner: String, logger: Logger) {
        self.fleet = fleet
        self.interval = interval
        self.owner = owner
        self.logger = logger
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.versionReads.serve(every: self.interval, clock: self.fleet.clock) { await self.readVersions() } }
            await fleet.profileChanges.serve(every: interval, clock: fleet.clock) { await pass() }
            group.cancelAll()
        }
    }

    /// Of `clusters`, those whose Kubernetes version nobody has read and that `wanted` picks, up to
    /// `limit`, marked as asked now; one that did not answer is asked again after `versionRetry`.
    private func versionsToRead(
        _ clusters: [ValuesTemplate.ClusterFacts],
        limit: Int = .max,
        where wanted: (ValuesTemplate.ClusterFacts) -> Bool
    ) -> [String] {
        let now = fleet.clock.now
        let live = Set(clusters.map(\.id))
        return versionAsked.withLock { asked in
            asked = asked.filter { live.contains($0.key) }
            var picked: [String] = []
            for cluster in clusters where picked.count < limit && cluster.kubernetesVersion == nil && wanted(cluster) {
                guard asked[cluster.id].map({ now - $0 >= Self.versionRetry }) ?? true else { continue }
                asked[cluster.id] = now
                picked.append(cluster.id)
            }
            return picked
        }
    }

    /// Reads the versions no profile waits for, newest registrations first; how many clusters it
    /// asked. Only the server that makes the passes reads them.
    @discardableResult
    func readVersions() async -> Int {
        do {
            let now = fleet.now()
            guard try await fleet.store.claimLeadership(Self.lease, owner: owner, now: now, until: now + (interval * 3).milliseconds) else {
                return 0
            }
            let unknown = versionsToRead(Array(try await fleet.clusterFacts().reversed()), limit: Self.versionReadsPerRound) { _ in true }
            // Waking the profiles is the pass's business: it reads the versions it needs itself.
            _ = await fleet.readKubernetesVersions(of: unknown, wakeProfiles: false)
            if unknown.count == Self.versionReadsPerRound { versionReads.wake() }
            return unknown.count
        } catch {
            logger.error("reading Kubernetes versions failed", metadata: ["error": "\(error)"])
            return 0
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
            let needing = reconciliation.profiles.map(\.profile).filter(\.needsKubernetesVersion)
            let needed = versionsToRead(reconciliation.clusters) { cluster in needing.contains { $0.selector.matches(cluster.labels) } }
            if await fleet.readKubernetesVersions(of: needed) {
                reconciliation = try await fleet.profileReconciliation()
            }
            if reconciliation.clusters.contains(where: { $0.kubernetesVersion == nil }) { versionReads.wake() }
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
