import FleetAPI
import HelmDriver
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// What the provisioners report, and what happens when the one holding a deployment loses it.
extension DeploymentLifecycleTests {
    func report(of deployment: Deployment, _ state: DeploymentState) throws -> DeploymentStatus {
        DeploymentStatus(
            id: try #require(deployment.provisionerDeploymentID),
            clusterID: deployment.clusterID,
            service: deployment.service,
            action: deployment.action,
            chart: ChartRequest(version: "4.15.1"),
            state: state,
            createAt: 1,
            log: ["helm upgrade"]
        )
    }

    // MARK: Reports

    @Test("a queued report records that the provisioner answered, and what it waits for, and nothing else")
    func reportedQueued() throws {
        var deployment = make(.dispatched, attempts: 1)
        clock.advance(by: .seconds(4))
        var status = try report(of: deployment, .queued)
        status.waiting = "another operation on the release"
        #expect(try lifecycle.apply(.reported(status), to: &deployment) == [])
        #expect(deployment.state == .dispatched)
        #expect(deployment.lastSeenAt == clock.millisecondsSince1970)
        #expect(deployment.waiting == "another operation on the release")
        #expect(deployment.log == ["helm upgrade"])
    }

    @Test("a dispatched deployment the provisioner runs (or cancels) is running", arguments: [DeploymentState.running, .cancelling])
    func reportedRunning(_ state: DeploymentState) throws {
        var deployment = make(.dispatched, attempts: 1)
        #expect(try lifecycle.apply(.reported(try report(of: deployment, state)), to: &deployment) == [])
        #expect(deployment.state == .running)
    }

    @Test("a deployment being cancelled stays cancel-requested while its provisioner still runs it")
    func reportedRunningWhileCancelling() throws {
        var deployment = make(.cancelRequested, attempts: 1)
        _ = try lifecycle.apply(.reported(try report(of: deployment, .running)), to: &deployment)
        #expect(deployment.state == .cancelRequested)
    }

    @Test("a success ends the deployment, records the cluster's version and lets the next one go")
    func reportedSucceeded() throws {
        var deployment = make(.running, attempts: 1)
        deployment.waiting = "another operation on the release"
        clock.advance(by: .seconds(9))
        var status = try report(of: deployment, .succeeded)
        status.release = ReleaseInfo(name: "nginx", namespace: "nginx", revision: 2, status: .deployed, chart: "nginx-4.15.1")
        let actions = try lifecycle.apply(.reported(status), to: &deployment)
        #expect(deployment.state == .succeeded)
        #expect(deployment.endAt == clock.millisecondsSince1970)
        #expect(deployment.waiting == nil)
        #expect(deployment.release?.revision == 2)
        #expect(actions == [.dispatchSoon, .recordVersion])
    }

    @Test("a failure ends the deployment with the provisioner's error and what it undid")
    func reportedFailed() throws {
        var deployment = make(.running, attempts: 1)
        var status = try report(of: deployment, .failed)
        status.error = "helm upgrade: timed out"
        status.remediation = RemediationRecord(.rollback(toRevision: 1), error: nil)
        let actions = try lifecycle.apply(.reported(status), to: &deployment)
        #expect(deployment.state == .failed)
        #expect(deployment.error == "helm upgrade: timed out")
        #expect(deployment.remediation?.action == "rollback")
        #expect(deployment.endAt == clock.millisecondsSince1970)
        #expect(actions == [.dispatchSoon])
    }

    @Test("a cancel the provisioner carried out ends the deployment cancelled")
    func reportedCancelled() throws {
        var deployment = make(.cancelRequested, attempts: 1)
        _ = try lifecycle.apply(.reported(try report(of: deployment, .cancelled)), to: &deployment)
        #expect(deployment.state == .cancelled)
        #expect(deployment.endAt == clock.millisecondsSince1970)
    }

    @Test("a deployment its provisioner gave up (draining) is lost: requested again after the backoff")
    func reportedCancelledByProvisioner() throws {
        var deployment = make(.running, attempts: 1)
        let actions = try lifecycle.apply(.reported(try report(of: deployment, .cancelled)), to: &deployment)
        #expect(deployment.state == .requested)
        #expect(deployment.nextAttemptAt == clock.millisecondsSince1970 + 1000)
        #expect(deployment.endAt == 0)
        #expect(actions.count == 1 && actions.first.map { if case .log = $0 { true } else { false } } == true)
    }

    @Test("the provisioner's recovery of a pending release is kept, also when a later report has none")
    func recoveryKept() throws {
        var deployment = make(.dispatched, attempts: 1)
        var running = try report(of: deployment, .running)
        running.recovery = RemediationRecord(.uninstall, error: nil)
        _ = try lifecycle.apply(.reported(running), to: &deployment)
        _ = try lifecycle.apply(.reported(try report(of: deployment, .succeeded)), to: &deployment)
        #expect(deployment.recovery == RemediationRecord(.uninstall, error: nil))
    }

    @Test("a report about an earlier attempt changes nothing")
    func reportedStale() throws {
        var deployment = make(.running, attempts: 2)
        let before = deployment
        var status = try report(of: deployment, .failed)
        status.id = DeploymentLifecycle.attemptID(of: deployment.id, attempt: 1)
        #expect(try lifecycle.apply(.reported(status), to: &deployment) == [])
        #expect(deployment == before)
    }

    @Test("a success reported again changes nothing, the version included")
    func reportedSuccessAgain() throws {
        var deployment = make(.running, attempts: 1)
        let success = try report(of: deployment, .succeeded)
        _ = try lifecycle.apply(.reported(success), to: &deployment)
        let before = deployment
        clock.advance(by: .seconds(1))
        #expect(try lifecycle.apply(.reported(success), to: &deployment) == [])
        #expect(deployment == before)
    }

    // MARK: Lost

    @Test("a first attempt its restarted provisioner forgot is requested again, known ended, after the backoff")
    func forgotten() throws {
        var deployment = make(.running, attempts: 1)
        deployment.waiting = "another operation on the release"
        let attempt = try #require(deployment.provisionerDeploymentID)
        _ = try lifecycle.apply(.forgotten(attempt: attempt), to: &deployment)
        #expect(deployment.state == .requested)
        #expect(deployment.previousAttemptsEnded == true)
        #expect(deployment.provisioner == nil && deployment.provisionerDeploymentID == nil)
        #expect(deployment.waiting == nil)
        #expect(deployment.nextAttemptAt == clock.millisecondsSince1970 + 1000)
        #expect(deployment.attempts == 1)
    }

    @Test("a forgotten attempt says all attempts ended only if every earlier one was known ended", arguments: [nil, true] as [Bool?])
    func forgottenAfterEarlierAttempts(_ earlierEnded: Bool?) throws {
        var deployment = make(.running, attempts: 2)
        deployment.previousAttemptsEnded = earlierEnded
        _ = try lifecycle.apply(.forgotten(attempt: try #require(deployment.provisionerDeploymentID)), to: &deployment)
        #expect(deployment.state == .requested)
        #expect(deployment.previousAttemptsEnded == earlierEnded)
        #expect(deployment.nextAttemptAt == clock.millisecondsSince1970 + 2000)
    }

    @Test("a deployment whose provisioner is gone is requested again, not known ended")
    func provisionerGone() throws {
        var deployment = make(.running, attempts: 1)
        deployment.previousAttemptsEnded = true
        _ = try lifecycle.apply(.provisionerGone(attempt: deployment.provisionerDeploymentID), to: &deployment)
        #expect(deployment.state == .requested)
        #expect(deployment.previousAttemptsEnded == nil)
    }

    @Test("an unreachable provisioner keeps its deployment until lostAfter has passed since it last answered")
    func unreachable() throws {
        var deployment = make(.running, attempts: 1)
        let attempt = try #require(deployment.provisionerDeploymentID)
        let before = deployment
        clock.advance(by: .seconds(30))
        #expect(try lifecycle.apply(.unreachable(attempt: attempt, error: "timed out"), to: &deployment) == [])
        #expect(deployment == before)

        clock.advance(by: .milliseconds(1))
        _ = try lifecycle.apply(.unreachable(attempt: attempt, error: "timed out"), to: &deployment)
        #expect(deployment.state == .requested)
        #expect(deployment.previousAttemptsEnded == nil)
    }

    @Test("a deployment lost at its last attempt fails, saying why, with its end time")
    func maxAttempts() throws {
        var deployment = make(.running, attempts: 3)
        _ = try lifecycle.apply(.forgotten(attempt: try #require(deployment.provisionerDeploymentID)), to: &deployment)
        #expect(deployment.state == .failed)
        #expect(deployment.error == "gave up after 3 attempts; last: provisioner http://p1 no longer knows it (restarted?)")
        #expect(deployment.endAt == clock.millisecondsSince1970)
    }

    @Test("a deployment lost while being cancelled is cancelled")
    func lostWhileCancelling() throws {
        var deployment = make(.cancelRequested, attempts: 1)
        _ = try lifecycle.apply(.provisionerGone(attempt: deployment.provisionerDeploymentID), to: &deployment)
        #expect(deployment.state == .cancelled)
        #expect(deployment.endAt == clock.millisecondsSince1970)
    }

    @Test("news of losing an earlier attempt, or a finished deployment, changes nothing")
    func lostStale() throws {
        var deployment = make(.running, attempts: 2)
        let earlier = DeploymentLifecycle.attemptID(of: deployment.id, attempt: 1)
        var finished = make(.succeeded, attempts: 1)
        let before = (deployment, finished)
        clock.advance(by: .seconds(60))
        for event: DeploymentLifecycle.Event in [
            .forgotten(attempt: earlier), .provisionerGone(attempt: earlier), .unreachable(attempt: earlier, error: "x"),
        ] {
            #expect(try lifecycle.apply(event, to: &deployment) == [])
            #expect(try lifecycle.apply(event, to: &finished) == [])
        }
        #expect(deployment == before.0 && finished == before.1)
    }

    @Test("the backoff doubles per attempt up to a minute, scaled by the jitter")
    func backoff() {
        #expect([1, 2, 3, 7, 20].map { lifecycle.backoff(attempt: $0) } == [1000, 2000, 4000, 60_000, 60_000])
        let halved = DeploymentLifecycle(configuration: .init(backoff: .seconds(1)), clock: clock, jitter: { 0.5 })
        #expect(halved.backoff(attempt: 3) == 2000)
    }
}
