import FleetAPI
import Foundation
import Logging
import ServerSupport

/// A cloud deployment's whole life in one pure value: each event changes the deployment and
/// returns the actions to take. The supervisor and the API write the result (one
/// `Store.updateDeployment` transaction per event) and carry the actions out; they decide nothing.
/// Time and jitter are injected, so tests drive every transition with a mock clock and never sleep.
///
///     requested ─dispatched→ dispatched ─running→ running ─→ succeeded | failed
///         ↑                      │                   │
///         └──── lost (backoff) ──┴───────────────────┘   (failed once attempts reach the maximum)
///     requested ─cancel→ cancelled;  dispatched | running ─cancel→ cancel-requested ─→ cancelled
struct DeploymentLifecycle: Sendable {
    struct Configuration: Sendable {
        /// How long a provisioner may stay unreachable before its deployments are handed on.
        var lostAfter: Duration = .seconds(30)
        var maxAttempts = 5
        /// First re-dispatch delay; doubles per attempt, with jitter, up to a minute.
        var backoff: Duration = .seconds(1)
    }

    let configuration: Configuration
    /// Deployments keep time in its milliseconds since 1970.
    let clock: any WallClock
    /// A factor in 0.5...1 applied to each backoff, so deployments lost together do not come back together.
    let jitter: @Sendable () -> Double

    init(
        configuration: Configuration,
        clock: any WallClock = SystemClock(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.5...1) }
    ) {
        self.configuration = configuration
        self.clock = clock
        self.jitter = jitter
    }

    enum Event: Sendable, Equatable {
        /// The API asked to cancel it.
        case cancelRequested
        /// The deployment it depends on has ended (one still in flight is waited for, not an event).
        case dependencyEnded(Deployment)
        /// Its cluster, or the cluster's kubeconfig, is no longer stored.
        case clusterGone
        /// The cluster's stored kubeconfig is refused by the current policy.
        case kubeconfigRefused(reason: String)
        /// Claimed for a provisioner: the request goes out there as a new attempt.
        case dispatched(to: String, request: DeploymentRequest)
        /// The provisioner refused the attempt (4xx): it would refuse it again.
        case submitRejected(attempt: String, status: Int, message: String)
        /// The provisioner did not take the attempt (unreachable, draining).
        case submitUnreachable(attempt: String, provisioner: String, error: String)
        /// What the provisioner says about an attempt: its answer to the submit, a poll, its change feed.
        case reported(DeploymentStatus)
        /// The provisioner holding the attempt no longer knows it (it restarted).
        case forgotten(attempt: String)
        /// The provisioner holding the attempt is no longer configured or resolved.
        case provisionerGone(attempt: String?)
        /// The provisioner holding the attempt did not answer about it.
        case unreachable(attempt: String, error: String)

        /// For logs: events can carry a request, and so a kubeconfig.
        var name: String {
            switch self {
            case .cancelRequested: "cancel requested"
            case .dependencyEnded: "dependency ended"
            case .clusterGone: "cluster gone"
            case .kubeconfigRefused: "kubeconfig refused"
            case .dispatched: "dispatched"
            case .submitRejected: "submit rejected"
            case .submitUnreachable: "submit unreachable"
            case .reported(let status): "reported \(status.state.rawValue)"
            case .forgotten: "forgotten by its provisioner"
            case .provisionerGone: "provisioner gone"
            case .unreachable: "provisioner unreachable"
            }
        }
    }

    enum Action: Sendable, Equatable {
        /// Send the attempt to this provisioner; its answer is the next event.
        case submit(DeploymentRequest, to: String)
        /// Tell the provisioner holding it to cancel: every pass sends it while cancel-requested, so run one now.
        case forwardCancel
        /// Run a dispatch pass now: what waited on this deployment may go, or fail, at once.
        case dispatchSoon
        /// Route around a provisioner that did not take work.
        case markUnhealthy(String)
        /// The cluster's actual version of the service is now what this deployment applied (or none,
        /// for a delete): written in the same transaction as the transition, never after it, so
        /// that no crash between the two loses it and the record follows the order deployments end.
        case recordVersion
        case log(LogLine)
    }

    struct LogLine: Sendable, Equatable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    /// Refusals the client sees.
    enum Refusal: Error, Equatable, APIErrorConvertible {
        case alreadyFinished(id: String, state: CloudDeploymentState)

        var apiError: APIError {
            switch self {
            case .alreadyFinished(let id, let state): APIError.conflict("deployment \(id) already finished (\(state.rawValue))")
            }
        }
    }

    /// A new deployment: requested now, and a dispatch pass may take it at once.
    func created(
        clusterID: String,
        service: ServiceName,
        spec: DeploymentSpec,
        timeoutSeconds: Int?,
        dependsOn: String? = nil
    ) -> (Deployment, [Action]) {
        let deployment = Deployment.requested(
            clusterID: clusterID,
            service: service,
            spec: spec,
            timeoutSeconds: timeoutSeconds,
            now: clock.millisecondsSince1970,
            dependsOn: dependsOn
        )
        return (deployment, [.dispatchSoon])
    }

    /// Applies one event to the deployment as stored now. An event that no longer applies (a late
    /// report of an earlier attempt, a claim on one already taken) changes nothing.
    func apply(_ event: Event, to deployment: inout Deployment) throws(Refusal) -> [Action] {
        let now = clock.millisecondsSince1970
        switch event {
        case .cancelRequested:
            return try cancel(&deployment, now: now)
        case .dependencyEnded(let dependency):
            guard deployment.state == .requested, dependency.state == .failed || dependency.state == .cancelled else { return [] }
            return fail(
                &deployment,
                "\(dependency.service) deployment \(dependency.id) it depends on ended \(dependency.state.rawValue)",
                now: now
            )
        case .clusterGone:
            guard deployment.state == .requested else { return [] }
            return fail(&deployment, "cluster \(deployment.clusterID) no longer exists", now: now)
        case .kubeconfigRefused(let reason):
            guard deployment.state == .requested else { return [] }
            return fail(&deployment, "the cluster's kubeconfig is refused: \(reason)", now: now)
        case .dispatched(let provisioner, let request):
            return claim(&deployment, for: provisioner, request, now: now)
        case .submitRejected(let attempt, let status, let message):
            guard deployment.state == .dispatched, deployment.provisionerDeploymentID == attempt else { return [] }
            return fail(&deployment, "the provisioner refused the deployment (\(status)): \(message)", now: now)
        case .submitUnreachable(let attempt, let provisioner, let error):
            return giveBack(&deployment, attempt: attempt, unreachable: provisioner, error: error, now: now)
        case .reported(let status):
            return record(status, &deployment, now: now)
        case .forgotten(let attempt):
            guard deployment.holds(attempt) else { return [] }
            // Only a restart forgets a deployment still running, and helm dies with its
            // provisioner (PR_SET_PDEATHSIG): nothing of that attempt can hold the release.
            return lose(
                &deployment,
                reason: "provisioner \(deployment.provisioner ?? "?") no longer knows it (restarted?)",
                attemptEnded: true,
                now: now
            )
        case .provisionerGone(let attempt):
            guard deployment.holds(attempt) else { return [] }
            return lose(
                &deployment,
                reason: "its provisioner \(deployment.provisioner ?? "?") is gone (no longer configured or resolved)",
                now: now
            )
        case .unreachable(let attempt, let error):
            let silentFor = now - deployment.lastSeenAt
            guard deployment.holds(attempt), silentFor > configuration.lostAfter.milliseconds else { return [] }
            return lose(
                &deployment,
                reason: "provisioner \(deployment.provisioner ?? "?") unreachable for \(silentFor / 1000)s: \(error)",
                now: now
            )
        }
    }

    /// Not yet dispatched: cancelled at once. Held by a provisioner: cancel-requested, and the
    /// cancel goes out to it. Finished: refused.
    private func cancel(_ deployment: inout Deployment, now: Int64) throws(Refusal) -> [Action] {
        let actions: [Action]
        switch deployment.state {
        case .requested:
            actions = end(&deployment, .cancelled, now: now)
        case .dispatched, .running, .cancelRequested:
            deployment.state = .cancelRequested
            actions = [.forwardCancel]
        case .succeeded, .failed, .cancelled:
            throw .alreadyFinished(id: deployment.id, state: deployment.state)
        }
        deployment.updateAt = now
        return actions
    }

    /// The claim (`dispatched`, which provisioner, which ID there) is written before the request
    /// goes out: if the cloud server dies in between, following finds the provisioner does not
    /// know it and dispatches it again.
    private func claim(_ deployment: inout Deployment, for provisioner: String, _ request: DeploymentRequest, now: Int64) -> [Action] {
        guard deployment.state == .requested else { return [] }
        deployment.state = .dispatched
        deployment.attempts += 1
        deployment.provisioner = provisioner
        deployment.provisionerDeploymentID = Self.attemptID(of: deployment.id, attempt: deployment.attempts)
        deployment.lastSeenAt = now
        deployment.updateAt = now
        var request = request
        request.id = deployment.provisionerDeploymentID
        request.previousAttemptsEnded = deployment.previousAttemptsEnded
        return [.submit(request, to: provisioner)]
    }

    /// The provisioner did not take the attempt: the claim is given back (the attempt does not
    /// count) and another instance tried soon.
    private func giveBack(
        _ deployment: inout Deployment,
        attempt: String,
        unreachable provisioner: String,
        error: String,
        now: Int64
    ) -> [Action] {
        var actions: [Action] = [.markUnhealthy(provisioner), .dispatchSoon]
        guard deployment.state == .dispatched, deployment.provisionerDeploymentID == attempt else { return actions }
        deployment.state = .requested
        deployment.attempts -= 1
        deployment.provisioner = nil
        deployment.provisionerDeploymentID = nil
        deployment.updateAt = now
        actions.append(
            .log(
                LogLine(
                    level: .warning,
                    message: "provisioner did not take the deployment; it goes to another",
                    metadata: ["deployment": deployment.id, "provisioner": provisioner, "error": error]
                )
            )
        )
        return actions
    }

    /// Fails a deployment that never reached a provisioner.
    private func fail(_ deployment: inout Deployment, _ error: String, now: Int64) -> [Action] {
        deployment.error = error
        return end(&deployment, .failed, now: now) + [
            .log(LogLine(level: .warning, message: "deployment failed", metadata: ["deployment": deployment.id, "error": error]))
        ]
    }

    /// Every end is stamped: the state, when, and nothing left to wait for.
    func end(_ deployment: inout Deployment, _ state: CloudDeploymentState, now: Int64) -> [Action] {
        deployment.state = state
        deployment.waiting = nil
        deployment.endAt = now
        deployment.updateAt = now
        return [.dispatchSoon]
    }

    /// Each attempt has its own ID on the provisioner, so a late report of an earlier attempt is
    /// told apart from the current one's.
    static func attemptID(of deploymentID: String, attempt: Int) -> String { "\(deploymentID)-\(attempt)" }

    static func deploymentID(ofAttempt id: String) -> String {
        guard let dash = id.lastIndex(of: "-") else { return id }
        return String(id[..<dash])
    }
}

extension Deployment {
    /// Held by a provisioner as this attempt: news about another attempt is stale.
    func holds(_ attempt: String?) -> Bool {
        state.isActive && provisionerDeploymentID == attempt
    }
}
