import FleetAPI
import Foundation
import Logging
import ServerSupport
import ServiceLifecycle
import Synchronization
import Telemetry

/// Drives deployments to the end: dispatches requested ones to a ready provisioner, follows them
/// until they are final, and hands lost ones to another instance; and moves rollouts on from
/// their deployments' recorded outcomes. `DeploymentLifecycle` decides
/// every transition; this writes each to the store before carrying out its actions, so a
/// restarted cloud server picks up where it left off.
///
/// Work happens in ticks: on a timer (`poll`) and whenever something asks (`wake`), e.g. a new
/// deployment or an outcome from a provisioner's change feed, so dispatch never waits for the
/// poll. Only timer ticks poll every deployment in flight; woken ones dispatch and send cancels.
final class Supervisor: Service, Sendable {
    struct Configuration: Sendable {
        var poll: Duration = .seconds(5)
        /// When lost work is handed on, how often, and how soon: the lifecycle's rules.
        var lifecycle = DeploymentLifecycle.Configuration()
        var rollouts = RolloutLifecycle.Configuration()
        /// How long a lease outlives its last renewal (every poll): long enough that a slow pass
        /// does not lose it, short enough that a killed server's work moves on soon.
        var lease: Duration { max(poll * 3, .seconds(10)) }
        /// Checked again before a stored kubeconfig goes out: one registered before a kubeconfig
        /// was validated, or under a looser policy, must not reach a provisioner.
        var kubeconfigPolicy = KubeconfigPolicy.dataOnly
        /// Where rollout analyses may read metrics, and with which tokens.
        var analysis = MetricsReader.Configuration()
    }

    let store: any Store
    let pool: ProvisionerPool
    private let configuration: Configuration
    /// Decides every transition; this type only writes them and carries out the actions.
    let lifecycle: DeploymentLifecycle
    let rolloutLifecycle: RolloutLifecycle
    let logger: Logger
    private let ticks = Wakeup()
    private let pollDue = Atomic(true)
    /// The name on the leases this server holds.
    let owner: String
    /// The unfinished deployments this server holds a lease on: the only ones it dispatches and polls.
    private let held = Mutex<Set<String>>([])
    /// Soak ends a pass is scheduled for, and rollouts whose soaked wave is being verified (see
    /// `Supervisor+Rollouts`).
    let soakTimers = Mutex<Set<String>>([])
    let rechecks = Mutex<Set<String>>([])
    let evaluations = Mutex<Set<String>>([])
    /// Reads rollout analyses' queries.
    let metricsReader: MetricsReader
    /// Stored kubeconfigs already checked against the policy.
    let kubeconfigChecks: KubeconfigChecks
    /// Wakes the profile keeper: a profile, a cluster, its labels or its Kubernetes version changed.
    let profileChanges = Wakeup()
    /// Where deployments' ends, attempts and drift checks are counted; nil: nowhere.
    let metrics: FleetMetrics?
    /// Spans for dispatches and drift checks.
    let tracer: OTLPTracer

    init(
        store: any Store,
        pool: ProvisionerPool,
        configuration: Configuration,
        owner: String = ID.make(),
        clock: any WallClock = SystemClock(),
        metrics: FleetMetrics? = nil,
        tracer: OTLPTracer = .off,
        logger: Logger
    ) {
        self.store = store
        self.metrics = metrics
        self.tracer = tracer
        self.owner = owner
        self.pool = pool
        self.configuration = configuration
        lifecycle = DeploymentLifecycle(
            configuration: configuration.lifecycle,
            clock: clock
        )
        rolloutLifecycle = RolloutLifecycle(configuration: configuration.rollouts, deployments: lifecycle)
        kubeconfigChecks = KubeconfigChecks(policy: configuration.kubeconfigPolicy)
        metricsReader = MetricsReader(configuration: configuration.analysis)
        self.logger = logger
    }

    /// The provisioner instances with their health and the deployments each holds now.
    func provisionerInstances() async throws -> [ProvisionerPool.Instance] {
        let active = try await store.activeDeployments()
        return pool.instances(inFlight: Dictionary(grouping: active.compactMap(\.provisioner), by: { $0 }).mapValues(\.count))
    }

    /// What the supervisor goes by: the lifecycles' time, its polls and timers.
    var clock: any WallClock { lifecycle.clock }

    /// Asks for a tick soon; many calls before it runs make one tick.
    func wake() { ticks.wake() }

    var pollInterval: Duration { configuration.poll }

    var kubeconfigPolicy: KubeconfigPolicy { configuration.kubeconfigPolicy }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.watchFeeds() }
            await ticks.serve(every: configuration.poll, clock: clock, onTimer: { self.pollDue.store(true, ordering: .relaxed) }) { await tick() }
            group.cancelAll()
        }
        // Another server sharing the database carries on at once instead of after the lease.
        try? await store.releaseLeases(owner: owner)
    }

    /// One pass: on the poll, refresh provisioner health and follow everything they hold; always
    /// send pending cancels and dispatch what is waiting.
    func tick() async {
        let polling = pollDue.exchange(false, ordering: .relaxed)
        if polling {
            let changes = await pool.refresh()
            // As this server sees them: each server sharing a database says what it sees.
            if !changes.isEmpty {
                try? await store.recordEvents(changes.map { FleetEvent.provisionerHealth($0.url, healthy: $0.healthy) })
            }
        }
        do {
            try await claimLeases(renewing: polling)
            try await follow(everything: polling)
            try await advanceRollouts()
            try await dispatch()
        } catch {
            logger.error("supervisor pass failed", metadata: ["error": "\(error)"])
        }
    }

    /// Takes the deployments no live server holds; on the poll, also renews this server's leases.
    private func claimLeases(renewing: Bool) async throws {
        let now = lifecycle.clock.millisecondsSince1970
        let claimed = try await store.claimLeases(
            owner: owner,
            now: now,
            until: now + configuration.lease.milliseconds,
            renew: renewing
        )
        held.withLock { held in
            if renewing { held = claimed } else { held.formUnion(claimed) }
        }
    }

    func holds(_ id: String) -> Bool { held.withLock { $0.contains(id) } }

    // MARK: Following

    private func follow(everything: Bool) async throws {
        // A cancel goes out from whichever server sees it first, holder or not: sending it twice is
        // harmless, waiting for the holder's next poll is not.
        let active = try await store.activeDeployments().filter {
            $0.state == .cancelRequested || (everything && holds($0.id))
        }
        // A bounded number at a time: each call holds a thread while libcurl blocks.
        await withTaskGroup(of: Void.self) { group in
            for (index, deployment) in active.enumerated() {
                if index >= Self.followConcurrency { await group.next() }
                group.addTask { await self.follow(deployment) }
            }
        }
    }

    private static let followConcurrency = 16

    /// Asks the provisioner holding it (or sends the cancel) and records the answer, or its absence.
    private func follow(_ deployment: Deployment) async {
        guard let url = deployment.provisioner, let attempt = deployment.provisionerDeploymentID,
            let client = pool.clients[url]
        else {
            await applyLogged(.provisionerGone(attempt: deployment.provisionerDeploymentID), to: deployment.id)
            return
        }
        let event: DeploymentLifecycle.Event
        do {
            let status =
                deployment.state == .cancelRequested
                ? try await client.cancel(attempt)
                : try await client.status(attempt)
            event = status.map { .reported($0) } ?? .forgotten(attempt: attempt)
        } catch {
            event = .unreachable(attempt: attempt, error: "\(error)")
        }
        await applyLogged(event, to: deployment.id)
    }
}
