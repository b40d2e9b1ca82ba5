import FleetAPI
import Foundation
import Logging
import ServerSupport
import ServiceLifecycle
import Synchronization

/// Checks every utility of every cluster for drift once per `interval`, a cluster at a time (one
/// request checks all its utilities) spread over the interval so a large fleet never bursts,
/// skipping utilities with work in flight. With the
/// `correct` policy (the server's, or a cluster's own), a drifted utility is applied again at its
/// desired version as an ordinary deployment: at most once per interval, never while a deployment
/// or a rollout for it is in flight.
final class DriftMonitor: Service, Sendable {
    enum Policy: String, Codable, Sendable, CaseIterable {
        case warn, correct
    }

    let fleet: Fleet
    let interval: Duration
    let policy: Policy
    let logger: Logger
    /// When each (cluster, service) was last corrected; in memory, so a restart may correct once more.
    private let corrected = Mutex<[String: WallInstant]>([:])

    init(fleet: Fleet, interval: Duration, policy: Policy, logger: Logger) {
        self.fleet = fleet
        self.interval = interval
        self.policy = policy
        self.logger = logger
    }

    var store: any ClusterStore & DeploymentStore { fleet.store }

    /// The audit log's actor for corrections.
    static let auditActor = "drift-correction"

    func run() async throws {
        // Each pass takes the fleet as it is then, one cluster's utilities at a time, spread so
        // that each utility gets `interval / count`; the first check comes one step after start,
        // not in a burst with everything else starting.
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let clusters = (try? await managedUtilities()) ?? []
            let count = clusters.reduce(0) { $0 + $1.services.count }
            guard count > 0 else {
                _ = try? await cancelWhenGracefulShutdown { try await self.fleet.clock.sleep(for: self.interval) }
                continue
            }
            for (cluster, services) in clusters {
                let gap = interval * services.count / count
                _ = try? await cancelWhenGracefulShutdown { try await self.fleet.clock.sleep(for: gap) }
                guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
                await checkAndCorrect(cluster: cluster, services: services)
            }
        }
    }

    /// Every cluster with utilities that have an actual version recorded, and those utilities.
    private func managedUtilities() async throws -> [(cluster: Cluster, services: [ServiceName])] {
        try await store.clusters(label: nil, page: 0, perPage: Int.max).compactMap { cluster in
            let services = cluster.utilities.actualVersions.compactMap { $0.value == nil ? nil : ServiceName($0.key) }.sorted()
            return services.isEmpty ? nil : (cluster, services)
        }
    }

    /// Checks the cluster's utilities that have no work in flight, in one request, and corrects
    /// those found drifted when the policy says so.
    func checkAndCorrect(cluster: Cluster, services: [ServiceName]) async {
        do {
            let busy = try await store.busyUtilities(cluster: cluster.id)
            let idle = services.filter { !busy.contains($0) }
            guard !idle.isEmpty else { return }
            let results = try await fleet.checkDrift(of: cluster.id, only: Set(idle))
            for service in idle {
                guard let drift = results[service.rawValue], drift.state == .drifted else { continue }
                logger.warning(
                    "utility drifted",
                    metadata: ["cluster": "\(cluster.id)", "service": "\(service)", "reasons": "\(drift.reasons.joined(separator: "; "))"]
                )
                guard (cluster.driftCorrection ?? policy) == .correct else { continue }
                do {
                    try await correct(cluster: cluster, service: service)
                } catch {
                    logger.error("drift correction failed", metadata: ["cluster": "\(cluster.id)", "service": "\(service)", "error": "\(error)"])
                }
            }
        } catch {
            logger.error("drift check failed", metadata: ["cluster": "\(cluster.id)", "error": "\(error)"])
        }
    }

    /// Applies the desired version (and the values last applied with it) again, at most once
    /// per interval for each utility (`Fleet.correctDrift`).
    private func correct(cluster: Cluster, service: ServiceName) async throws {
        let key = "\(cluster.id)/\(service)"
        let now = fleet.clock.now
        let due = corrected.withLock { last in
            guard last[key].map({ now - $0 >= interval }) ?? true else { return false }
            last[key] = now
            return true
        }
        guard due else { return }
        // Audited as the server's own act: the log says who changed the cluster back, and why.
        let audit = AuditTrail(
            draft: AuditEntry(time: fleet.now(), actor: Self.auditActor, role: nil, method: "POST", path: "/api/deployments", targets: [], status: 0)
        )
        guard let deployment = try await fleet.correctDrift(of: cluster, service, audit: audit) else { return }
        logger.notice(
            "drift corrected by a deployment, forcing changed fields back",
            metadata: ["cluster": "\(cluster.id)", "service": "\(service)", "deployment": "\(deployment.id)", "forceConflicts": "true"]
        )
    }
}
