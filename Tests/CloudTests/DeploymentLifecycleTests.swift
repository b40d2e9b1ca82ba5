import FleetAPI
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// Every transition of a cloud deployment, decided by the pure `DeploymentLifecycle` with a mock
/// clock: no store, no provisioner, no sleeping. These cover the API's events and dispatch; the
/// provisioners' reports and losses are in `DeploymentLifecycleTests+Provisioner.swift`.
@Suite("Deployment lifecycle")
struct DeploymentLifecycleTests {
    typealias Action = DeploymentLifecycle.Action

    let clock = ManualClock()
    /// Jitter at its top, so a backoff is exactly the base doubled per attempt.
    var lifecycle: DeploymentLifecycle {
        DeploymentLifecycle(configuration: .init(lostAfter: .seconds(30), maxAttempts: 3, backoff: .seconds(1)), clock: clock, jitter: { 1 })
    }

    func make(_ state: CloudDeploymentState = .requested, attempts: Int = 0) -> Deployment {
        var deployment = Deployment.requested(
            clusterID: "c1",
            service: "nginx",
            spec: DeploymentSpec(action: .apply, chart: ChartRequest(version: "4.15.1"), values: nil),
            timeoutSeconds: nil,
            now: 1
        )
        deployment.state = state
        deployment.attempts = attempts
        if state.isActive, attempts > 0 {
            deployment.provisioner = "http://p1"
            deployment.provisionerDeploymentID = DeploymentLifecycle.attemptID(of: deployment.id, attempt: attempts)
            deployment.lastSeenAt = clock.millisecondsSince1970
        }
        return deployment
    }

    func request(_ deployment: Deployment) -> DeploymentRequest {
        DeploymentRequest(clusterID: deployment.clusterID, service: deployment.service, action: deployment.action, kubeconfig: "k")
    }

    // MARK: Created and cancelled

    @Test("a new deployment is requested at the clock's time and asks for a dispatch pass")
    func created() {
        let (deployment, actions) = lifecycle.created(
            clusterID: "c1",
            service: "nginx",
            spec: DeploymentSpec(action: .apply, chart: nil, values: nil),
            timeoutSeconds: 60,
            dependsOn: "d0"
        )
        #expect(deployment.state == .requested)
        #expect(deployment.createAt == clock.millisecondsSince1970 && deployment.updateAt == clock.millisecondsSince1970)
        #expect(deployment.attempts == 0 && deployment.endAt == 0)
        #expect(deployment.dependsOn == "d0" && deployment.timeoutSeconds == 60)
        #expect(actions == [.dispatchSoon])
    }

    @Test("cancelling a requested deployment cancels it at once and lets the next one go")
    func cancelRequested() throws {
        var deployment = make(.requested)
        let actions = try lifecycle.apply(.cancelRequested, to: &deployment)
        #expect(deployment.state == .cancelled)
        #expect(deployment.endAt == clock.millisecondsSince1970)
        #expect(actions == [.dispatchSoon])
    }

    @Test("cancelling a deployment a provisioner holds asks it to cancel", arguments: [CloudDeploymentState.dispatched, .running, .cancelRequested])
    func cancelHeld(_ state: CloudDeploymentState) throws {
        var deployment = make(state, attempts: 1)
        clock.advance(by: .seconds(3))
        let actions = try lifecycle.apply(.cancelRequested, to: &deployment)
        #expect(deployment.state == .cancelRequested)
        #expect(deployment.endAt == 0)
        #expect(deployment.updateAt == clock.millisecondsSince1970)
        #expect(actions == [.forwardCancel])
    }

    @Test(
        "cancelling a finished deployment is refused with 409 and changes nothing",
        arguments: [CloudDeploymentState.succeeded, .failed, .cancelled]
    )
    func cancelFinished(_ state: CloudDeploymentState) {
        var deployment = make(state)
        let before = deployment
        #expect(throws: DeploymentLifecycle.Refusal.alreadyFinished(id: deployment.id, state: state)) {
            try lifecycle.apply(.cancelRequested, to: &deployment)
        }
        #expect(deployment == before)
        #expect(DeploymentLifecycle.Refusal.alreadyFinished(id: "d", state: state).apiError.status == .conflict)
    }

    // MARK: Before dispatch

    @Test("a deployment fails when the one it depends on failed or was cancelled, naming it", arguments: [CloudDeploymentState.failed, .cancelled])
    func dependencyEnded(_ state: CloudDeploymentState) throws {
        var dependency = make(state)
        dependency.service = "ingress"
        var deployment = make(.requested)
        let actions = try lifecycle.apply(.dependencyEnded(dependency), to: &deployment)
        #expect(deployment.state == .failed)
        #expect(deployment.error == "ingress deployment \(dependency.id) it depends on ended \(state.rawValue)")
        #expect(deployment.endAt == clock.millisecondsSince1970)
        #expect(actions.contains(.dispatchSoon))
    }

    @Test("a deployment whose dependency succeeded stays requested, for dispatch")
    func dependencySucceeded() throws {
        var deployment = make(.requested)
        let before = deployment
        #expect(try lifecycle.apply(.dependencyEnded(make(.succeeded)), to: &deployment) == [])
        #expect(deployment == before)
    }

    @Test("a deployment whose cluster is gone fails at dispatch, with its end time")
    func clusterGone() throws {
        var deployment = make(.requested)
        clock.advance(by: .seconds(2))
        _ = try lifecycle.apply(.clusterGone, to: &deployment)
        #expect(deployment.state == .failed)
        #expect(deployment.error == "cluster c1 no longer exists")
        #expect(deployment.endAt == clock.millisecondsSince1970)
    }

    @Test("a deployment whose cluster's kubeconfig is refused fails at dispatch with the reason, with its end time")
    func kubeconfigRefused() throws {
        var deployment = make(.requested)
        _ = try lifecycle.apply(.kubeconfigRefused(reason: "users[admin].user.tokenFile is refused"), to: &deployment)
        #expect(deployment.state == .failed)
        #expect(deployment.error == "the cluster's kubeconfig is refused: users[admin].user.tokenFile is refused")
        #expect(deployment.endAt == clock.millisecondsSince1970)
    }

    @Test("a failure found at dispatch does not overwrite a deployment cancelled meanwhile")
    func dispatchFailureAfterCancel() throws {
        var deployment = make(.cancelled)
        let before = deployment
        #expect(try lifecycle.apply(.clusterGone, to: &deployment) == [])
        #expect(try lifecycle.apply(.kubeconfigRefused(reason: "x"), to: &deployment) == [])
        #expect(try lifecycle.apply(.dependencyEnded(make(.failed)), to: &deployment) == [])
        #expect(deployment == before)
    }

    // MARK: Dispatch and submit

    @Test("dispatching claims a new attempt with its own ID on the provisioner and submits the request under it")
    func dispatched() throws {
        var deployment = make(.requested, attempts: 1)
        deployment.previousAttemptsEnded = true
        let actions = try lifecycle.apply(.dispatched(to: "http://p2", request: request(deployment)), to: &deployment)
        #expect(deployment.state == .dispatched)
        #expect(deployment.attempts == 2)
        #expect(deployment.provisioner == "http://p2")
        #expect(deployment.provisionerDeploymentID == "\(deployment.id)-2")
        #expect(deployment.lastSeenAt == clock.millisecondsSince1970)
        var sent = request(deployment)
        sent.id = "\(deployment.id)-2"
        sent.previousAttemptsEnded = true
        #expect(actions == [.submit(sent, to: "http://p2")])
    }

    @Test("a deployment no longer requested is not claimed")
    func claimTaken() throws {
        var deployment = make(.dispatched, attempts: 1)
        let before = deployment
        #expect(try lifecycle.apply(.dispatched(to: "http://p2", request: request(deployment)), to: &deployment) == [])
        #expect(deployment == before)
    }

    @Test("an attempt the provisioner refuses fails the deployment with the answer, with its end time")
    func submitRejected() throws {
        var deployment = make(.dispatched, attempts: 1)
        let attempt = try #require(deployment.provisionerDeploymentID)
        _ = try lifecycle.apply(.submitRejected(attempt: attempt, status: 400, message: "unknown service"), to: &deployment)
        #expect(deployment.state == .failed)
        #expect(deployment.error == "the provisioner refused the deployment (400): unknown service")
        #expect(deployment.endAt == clock.millisecondsSince1970)
    }

    @Test("an attempt an unreachable provisioner did not take is given back, uncounted, for another provisioner soon")
    func submitUnreachable() throws {
        var deployment = make(.dispatched, attempts: 2)
        let attempt = try #require(deployment.provisionerDeploymentID)
        let actions = try lifecycle.apply(.submitUnreachable(attempt: attempt, provisioner: "http://p1", error: "refused"), to: &deployment)
        #expect(deployment.state == .requested)
        #expect(deployment.attempts == 1)
        #expect(deployment.provisioner == nil && deployment.provisionerDeploymentID == nil)
        #expect(actions.prefix(2) == [.markUnhealthy("http://p1"), .dispatchSoon])
    }

    @Test("a submit's answer about an earlier attempt changes nothing")
    func submitStale() throws {
        var deployment = make(.dispatched, attempts: 2)
        let before = deployment
        let earlier = DeploymentLifecycle.attemptID(of: deployment.id, attempt: 1)
        _ = try lifecycle.apply(.submitRejected(attempt: earlier, status: 400, message: "x"), to: &deployment)
        let actions = try lifecycle.apply(.submitUnreachable(attempt: earlier, provisioner: "http://p1", error: "x"), to: &deployment)
        #expect(deployment == before)
        #expect(actions == [.markUnhealthy("http://p1"), .dispatchSoon])
    }

    @Test("an attempt's ID names its deployment")
    func attemptIDs() {
        #expect(DeploymentLifecycle.attemptID(of: "abc", attempt: 3) == "abc-3")
        #expect(DeploymentLifecycle.deploymentID(ofAttempt: "abc-3") == "abc")
    }
}
