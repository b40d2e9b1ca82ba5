import FleetAPI
import HelmDriver
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// Retries of a failed apply: each attempt visible, the backoff doubled, the last error kept.
extension DeploymentLifecycleTests {
    func failedReport(_ deployment: Deployment, _ error: String) throws -> DeploymentStatus {
        var status = try report(of: deployment, .failed)
        status.error = error
        status.remediation = RemediationRecord(.rollback(toRevision: 1), error: nil)
        return status
    }

    @Test("a failed apply with retries left is requested again after the backoff, doubled each time, then fails for good")
    func retriesWithBackoff() throws {
        var deployment = make(.running, attempts: 1)
        deployment.retry = RetryPolicy(retries: 2, backoffSeconds: 10)

        _ = try lifecycle.apply(.reported(try failedReport(deployment, "timed out")), to: &deployment)
        #expect(deployment.state == .requested && deployment.provisioner == nil)
        #expect(deployment.nextAttemptAt == clock.millisecondsSince1970 + 10_000)
        #expect(deployment.failures == ["attempt 1: timed out"] && deployment.error == "timed out")
        #expect(deployment.remediation?.action == "rollback", "what the failed attempt's remediation did stays visible")

        _ = try lifecycle.apply(.dispatched(to: "http://p1", request: request(deployment)), to: &deployment)
        _ = try lifecycle.apply(.reported(try failedReport(deployment, "timed out again")), to: &deployment)
        #expect(deployment.nextAttemptAt == clock.millisecondsSince1970 + 20_000)
        #expect(deployment.failures == ["attempt 1: timed out", "attempt 2: timed out again"])

        _ = try lifecycle.apply(.dispatched(to: "http://p1", request: request(deployment)), to: &deployment)
        _ = try lifecycle.apply(.reported(try failedReport(deployment, "still failing")), to: &deployment)
        #expect(deployment.state == .failed && deployment.error == "still failing" && deployment.attempts == 3)
        #expect(deployment.failures?.count == 2)
    }

    @Test("a failed delete is not retried")
    func deleteNotRetried() throws {
        var deployment = make(.running, attempts: 1)
        deployment.action = .delete
        deployment.retry = RetryPolicy(retries: 3, backoffSeconds: 1)
        _ = try lifecycle.apply(.reported(try failedReport(deployment, "no")), to: &deployment)
        #expect(deployment.state == .failed)
    }

    @Test("retries do not use up the attempts a lost deployment may have")
    func retriesApartFromLosses() throws {
        var deployment = make(.running, attempts: 3)
        deployment.retry = RetryPolicy(retries: 3, backoffSeconds: 1)
        deployment.failures = ["attempt 1: x", "attempt 2: y"]
        _ = try lifecycle.apply(.forgotten(attempt: deployment.provisionerDeploymentID!), to: &deployment)
        #expect(deployment.state == .requested, "3 attempts, 2 of them retries: 1 of the 3 allowed losses")
    }

    @Test("retries and their backoff are bounded, each naming its field")
    func retryBounds() throws {
        #expect(throws: APIError.badRequest("Retries must be between 0 and 10", field: "Retries")) {
            try RetryPolicy.validated(retries: -1, backoffSeconds: nil)
        }
        #expect(throws: APIError.badRequest("RetryBackoffSeconds must be between 1 and 3600", field: "RetryBackoffSeconds")) {
            try RetryPolicy.validated(retries: 1, backoffSeconds: 0)
        }
        #expect(try RetryPolicy.validated(retries: 0, backoffSeconds: nil) == nil)
        #expect(try RetryPolicy.validated(retries: 2, backoffSeconds: nil) == RetryPolicy(retries: 2, backoffSeconds: 10))
    }
}
