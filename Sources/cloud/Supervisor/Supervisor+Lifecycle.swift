import FleetAPI
import Foundation
import Logging
import Synchronization

/// Carries out what `DeploymentLifecycle` decides: writes each transition, then does its actions.
extension Supervisor {
    /// Applies one event to a stored deployment in one transaction, then carries out its actions;
    /// all but `recordVersion`, which is written in the same transaction (see the action). A
    /// transition that changes nothing is not written, unless it has an audit entry to go with it.
    /// Returns the deployment as it stands after the event.
    @discardableResult
    func apply(_ event: DeploymentLifecycle.Event, to id: String, audit: AuditEntry? = nil) async throws -> Deployment {
        let lifecycle = self.lifecycle
        let decided = Decided()
        let deployment: Deployment
        do {
            deployment = try await store.updateDeployment(id, audit: audit) { deployment -> UtilitiesChange? in
                let before = deployment
                decided.before = before
                decided.actions = try lifecycle.apply(event, to: &deployment)
                if audit == nil, deployment == before { throw Unchanged(deployment: deployment) }
                guard decided.actions.contains(.recordVersion) else { return nil }
                return { [deployment] utilities in utilities.recordFinished(deployment) }
            }
        } catch let unchanged as Unchanged {
            deployment = unchanged.deployment
        }
        if let metrics, let before = decided.before {
            if !before.state.isFinal, deployment.state.isFinal { metrics.ended(deployment) }
            if deployment.attempts > before.attempts { metrics.attempted(deployment) }
        }
        try await perform(decided.actions, for: deployment)
        return deployment
    }

    /// For callers with nobody to answer to: a transition that cannot be written or carried out
    /// is logged with its context, never dropped unseen.
    func applyLogged(_ event: DeploymentLifecycle.Event, to id: String) async {
        do {
            try await apply(event, to: id)
        } catch {
            logger.error(
                "cannot record a deployment's transition",
                metadata: [
                    "deployment": "\(id)", "event": "\(event.name)", "error": "\(error)",
                ]
            )
        }
    }

    func perform(_ actions: [DeploymentLifecycle.Action], for deployment: Deployment) async throws {
        for action in actions {
            switch action {
            case .submit(let request, let provisioner):
                await submit(request, of: deployment, to: provisioner)
            case .forwardCancel, .dispatchSoon:
                wake()
            case .markUnhealthy(let provisioner):
                pool.markUnhealthy(provisioner)
            case .recordVersion:
                break  // written with the transition
            case .log(let line):
                logger.log(level: line.level, "\(line.message)", metadata: line.metadata.mapValues { .string($0) })
            }
        }
    }

    /// Sends an attempt just claimed; the answer is the next event.
    private func submit(_ request: DeploymentRequest, of deployment: Deployment, to provisioner: String) async {
        let attempt = request.id ?? ""
        let event: DeploymentLifecycle.Event
        if let client = pool.clients[provisioner] {
            do {
                event = .reported(try await client.submit(request))
                logger.info(
                    "deployment dispatched",
                    metadata: [
                        "deployment": "\(deployment.id)", "provisioner": "\(provisioner)", "attempt": "\(deployment.attempts)",
                        "cluster": "\(deployment.clusterID)", "service": "\(deployment.service)",
                    ]
                )
            } catch .rejected(let status, let message) {
                event = .submitRejected(attempt: attempt, status: status, message: message)
            } catch {
                event = .submitUnreachable(attempt: attempt, provisioner: provisioner, error: "\(error)")
            }
        } else {
            event = .submitUnreachable(attempt: attempt, provisioner: provisioner, error: "no longer configured or resolved")
        }
        await applyLogged(event, to: deployment.id)
    }
}

/// Thrown out of the store's transaction so that a transition changing nothing is not written.
private struct Unchanged: Error {
    let deployment: Deployment
}

/// The actions the lifecycle decided inside the store's transaction, and the deployment as it was
/// before, for after it.
private final class Decided: Sendable {
    private let state = Mutex<[DeploymentLifecycle.Action]>([])
    private let earlier = Mutex<Deployment?>(nil)

    var actions: [DeploymentLifecycle.Action] {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    var before: Deployment? {
        get { earlier.withLock { $0 } }
        set { earlier.withLock { $0 = newValue } }
    }
}
