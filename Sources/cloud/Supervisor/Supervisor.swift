import Foundation
import Internal
import Logging
import Synchronization
import ServiceLifecycle

/// Drives deployments to the end: dispatches requested ones to a ready provisioner, follows them
/// until they are final, and hands lost ones to another instance. Every transition is written to
/// the store before it is acted on, so a restarted cloud server picks up where it left off.
///
/// Work happens in ticks: on a timer (`poll`) and whenever something asks (`wake`), e.g. a new
/// deployment or an outcome from a provisioner's change feed, so dispatch never waits for the
/// poll. Only timer ticks poll every deployment in flight; woken ones dispatch and send cancels.
final class Supervisor: Service, Sendable {
    struct Configuration: Sendable {
        var poll: Duration = .seconds(5)
        /// How long a provisioner may stay unreachable before its deployments are handed on.
        var lostAfter: Duration = .seconds(30)
        var maxAttempts = 5
        /// First re-dispatch delay; doubles per attempt, with jitter, up to a minute.
        var backoff: Duration = .seconds(1)
        /// How long a lease outlives its last renewal (every poll): long enough that a slow pass
        /// does not lose it, short enough that a killed server's work moves on soon.
        var lease: Duration { max(poll * 3, .seconds(10)) }
        /// Checked again before a stored kubeconfig goes out: one registered before a kubeconfig
        /// was validated, or under a looser policy, must not reach a provisioner.
        var kubeconfigPolicy = KubeconfigPolicy.dataOnly
    }

    let store: any Store
    let pool: ProvisionerPool
    private let configuration: Configuration
    let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let pollDue = Atomic(true)
    /// The name on the leases this server holds.
    let owner: String
    /// The unfinished deployments this server holds a lease on: the only ones it dispatches and polls.
    private let held = Mutex<Set<String>>([])

    init(store: any Store, pool: ProvisionerPool, configuration: Configuration, owner: String = ID.make(), logger: Logger) {
        self.store = store
        self.owner = owner
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a tick soon; many calls before it runs make one tick.
    func wake() { wakeup.yield() }

    var pollInterval: Duration { configuration.poll }

    var kubeconfigPolicy: KubeconfigPolicy { configuration.kubeconfigPolicy }

    func run() async throws {
        let poll = configuration.poll
        await withDiscardingTaskGroup { group in
            group.addTask {
                while (try? await Task.sleep(for: poll)) != nil {
                    self.pollDue.store(true, ordering: .relaxed)
                    self.wake()
                }
            }
            group.addTask { await self.watchFeeds() }
            wakeup.yield()
            for await _ in wakeups.cancelOnGracefulShutdown() {
                await tick()
            }
            group.cancelAll()
        }
        // Another server sharing the database carries on at once instead of after the lease.
        try? await store.releaseLeases(owner: owner)
    }

    /// One pass: on the poll, refresh provisioner health and follow everything they hold; always
    /// send pending cancels and dispatch what is waiting.
    func tick() async {
        let polling = pollDue.exchange(false, ordering: .relaxed)
        if polling { await pool.refresh() }
        do {
            try await claimLeases(renewing: polling)
            try await follow(everything: polling)
            try await dispatch()
        } catch {
            logger.error("supervisor pass failed", metadata: ["error": "\(error)"])
        }
    }

    /// Takes the deployments no live server holds; on the poll, also renews this server's leases.
    private func claimLeases(renewing: Bool) async throws {
        let now = Date().millisecondsSince1970
        let claimed = try await store.claimLeases(
            owner: owner, now: now, until: now + configuration.lease.milliseconds, renew: renewing)
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

    private func follow(_ deployment: Deployment) async {
        guard let url = deployment.provisioner, let remoteID = deployment.provisionerDeploymentID,
            let client = pool.clients[url]
        else {
            await lose(deployment.id, reason: "its provisioner \(deployment.provisioner ?? "?") is gone (no longer configured or resolved)")
            return
        }
        do {
            let status = deployment.state == .cancelRequested
                ? try await client.cancel(remoteID)
                : try await client.status(remoteID)
            guard let status else {
                // Only a restart forgets a deployment still running, and helm dies with its
                // provisioner (PR_SET_PDEATHSIG): nothing of that attempt can hold the release.
                await lose(deployment.id, reason: "provisioner \(url) no longer knows it (restarted?)", attemptEnded: true)
                return
            }
            try await record(status, for: deployment.id)
        } catch {
            let silentFor = Date().millisecondsSince1970 - deployment.lastSeenAt
            if silentFor > Int64(configuration.lostAfter.components.seconds * 1000) {
                await lose(deployment.id, reason: "provisioner \(url) unreachable for \(silentFor / 1000)s: \(error)")
            }
        }
    }

    /// Writes what the provisioner reported.
    func record(_ status: DeploymentStatus, for id: String) async throws {
        let now = Date().millisecondsSince1970
        let lostByProvisioner = status.state == .cancelled
        let written = try await store.updateDeployment(id) { deployment in
            // The feed reports every attempt; only the current one's news counts.
            guard deployment.state.isActive, deployment.provisionerDeploymentID == status.id else { return }
            deployment.lastSeenAt = now
            deployment.updateAt = now
            deployment.log = status.log
            deployment.waiting = status.waiting
            deployment.release = status.release ?? deployment.release
            switch status.state {
            case .queued:
                break
            case .running, .cancelling:
                if deployment.state == .dispatched { deployment.state = .running }
            case .succeeded, .failed:
                deployment.state = status.state == .succeeded ? .succeeded : .failed
                deployment.error = status.error
                deployment.remediation = status.remediation
                deployment.endAt = now
            case .cancelled where deployment.state == .cancelRequested:
                deployment.state = .cancelled
                deployment.remediation = status.remediation
                deployment.endAt = now
            case .cancelled:
                break  // the provisioner gave it up (it was draining): handed on below
            }
        }
        guard written.provisionerDeploymentID == status.id else { return }
        if lostByProvisioner, written.state.isActive {
            await lose(id, reason: "provisioner \(written.provisioner ?? "?") gave it up: \(status.error ?? "cancelled")")
        } else if written.state == .succeeded {
            try await recordVersion(of: written)
        }
    }

    /// A finished apply sets the cluster's actual version of the service; a finished delete clears it.
    private func recordVersion(of deployment: Deployment) async throws {
        let service = deployment.service.rawValue
        let version = deployment.action == .apply ? deployment.chart?.version.map { UtilityVersion(chart: $0) } : nil
        try await store.updateUtilities(ofCluster: deployment.clusterID) { utilities in
            utilities.actualVersions[service] = .some(version)
        }
    }

    /// The provisioner no longer holds the deployment: dispatch it again after a backoff, unless it
    /// was being cancelled or has been tried too often. `attemptEnded`: nothing of the lost attempt
    /// can still be running (an unreachable provisioner may well be, behind a partition).
    private func lose(_ id: String, reason: String, attemptEnded: Bool = false) async {
        let now = Date().millisecondsSince1970
        let configuration = self.configuration
        do {
            let written = try await store.updateDeployment(id) { deployment in
                guard deployment.state.isActive else { return }
                deployment.updateAt = now
                if deployment.state == .cancelRequested {
                    deployment.state = .cancelled
                    deployment.endAt = now
                } else if deployment.attempts >= configuration.maxAttempts {
                    deployment.state = .failed
                    deployment.error = "gave up after \(deployment.attempts) attempts; last: \(reason)"
                    deployment.endAt = now
                } else {
                    deployment.state = .requested
                    deployment.waiting = nil
                    // Said only while it holds for every attempt so far: an attempt that ended may
                    // itself have been waiting on an earlier one that still holds the release.
                    let allEnded = attemptEnded && (deployment.attempts <= 1 || deployment.previousAttemptsEnded == true)
                    deployment.previousAttemptsEnded = allEnded ? true : nil
                    deployment.provisioner = nil
                    deployment.provisionerDeploymentID = nil
                    deployment.nextAttemptAt = now + Self.backoff(configuration.backoff, attempt: deployment.attempts)
                }
            }
            logger.warning("deployment lost by its provisioner", metadata: [
                "deployment": "\(id)", "reason": "\(reason)", "state": "\(written.state.rawValue)", "attempts": "\(written.attempts)",
            ])
        } catch {
            logger.error("cannot record a lost deployment", metadata: ["deployment": "\(id)", "error": "\(error)"])
        }
    }

    static func backoff(_ base: Duration, attempt: Int) -> Int64 {
        let exponential = min(Double(base.milliseconds) * pow(2, Double(max(0, attempt - 1))), 60_000)
        return Int64(exponential * Double.random(in: 0.5...1.0))
    }
}
