import FleetAPI
import Foundation
import Logging

/// What the provisioners report, and what happens when the one holding a deployment loses it.
extension DeploymentLifecycle {
    /// Takes in what a provisioner reported about an attempt. The feed reports every attempt;
    /// only the current one's news counts.
    func record(_ status: DeploymentStatus, _ deployment: inout Deployment, now: Int64) -> [Action] {
        // A report of an ended deployment (a feed repeating its success after a restart) changes
        // nothing: its version was written with the transition that ended it.
        guard deployment.holds(status.id) else { return [] }
        deployment.lastSeenAt = now
        deployment.updateAt = now
        deployment.log = status.log
        deployment.waiting = status.waiting
        deployment.release = status.release ?? deployment.release
        deployment.chartDigest = status.chart.digest ?? deployment.chartDigest
        deployment.chartVerification = status.chartVerification ?? deployment.chartVerification
        // Kept once done: a later attempt finds nothing left to recover.
        deployment.recovery = status.recovery ?? deployment.recovery
        deployment.plan = status.plan ?? deployment.plan
        switch status.state {
        case .queued:
            return []
        case .running, .cancelling:
            if deployment.state == .dispatched { deployment.state = .running }
            return []
        case .succeeded:
            deployment.error = status.error
            deployment.remediation = status.remediation
            return end(&deployment, .succeeded, now: now) + (deployment.changesVersion ? [.recordVersion] : [])
        case .failed:
            deployment.error = status.error
            deployment.remediation = status.remediation
            if let retry = deployment.retry, deployment.action == .apply, (deployment.failures?.count ?? 0) < retry.retries {
                return retryAfterFailure(&deployment, retry, now: now)
            }
            return end(&deployment, .failed, now: now)
        case .cancelled where deployment.state == .cancelRequested:
            deployment.remediation = status.remediation
            return end(&deployment, .cancelled, now: now)
        case .cancelled:
            // The provisioner gave it up (it was draining): it goes to another.
            return lose(&deployment, reason: "provisioner \(deployment.provisioner ?? "?") gave it up: \(status.error ?? "cancelled")", now: now)
        }
    }

    /// A failed apply with retries left: requested again after the backoff (doubled per retry),
    /// its error kept and added to `failures`, so each attempt stays visible.
    private func retryAfterFailure(_ deployment: inout Deployment, _ retry: RetryPolicy, now: Int64) -> [Action] {
        let failures = (deployment.failures ?? []) + ["attempt \(deployment.attempts): \(deployment.error ?? "failed")"]
        deployment.failures = Array(failures.suffix(10))
        let wait = Int64(retry.backoffSeconds) * 1000 << Int64(min(failures.count - 1, 10))
        deployment.state = .requested
        deployment.waiting = nil
        deployment.provisioner = nil
        deployment.provisionerDeploymentID = nil
        deployment.nextAttemptAt = now + wait
        deployment.updateAt = now
        return [
            .log(
                LogLine(
                    level: .notice,
                    message: "deployment failed; retrying",
                    metadata: [
                        "deployment": deployment.id, "retry": "\(failures.count) of \(retry.retries)", "in": "\(wait / 1000)s",
                        "error": deployment.error ?? "",
                    ]
                )
            )
        ]
    }

    /// The provisioner no longer holds the deployment: dispatch it again after a backoff, unless it
    /// was being cancelled or has been tried too often. `attemptEnded`: nothing of the lost attempt
    /// can still be running (an unreachable provisioner may well be, behind a partition).
    func lose(_ deployment: inout Deployment, reason: String, attemptEnded: Bool = false, now: Int64) -> [Action] {
        guard deployment.state.isActive else { return [] }
        var actions: [Action]
        if deployment.state == .cancelRequested {
            actions = end(&deployment, .cancelled, now: now)
        } else if deployment.attempts - (deployment.failures?.count ?? 0) >= configuration.maxAttempts {
            deployment.error = "gave up after \(deployment.attempts) attempts; last: \(reason)"
            actions = end(&deployment, .failed, now: now)
        } else {
            deployment.state = .requested
            deployment.waiting = nil
            // Said only while it holds for every attempt so far: an attempt that ended may
            // itself have been waiting on an earlier one that still holds the release.
            let allEnded = attemptEnded && (deployment.attempts <= 1 || deployment.previousAttemptsEnded == true)
            deployment.previousAttemptsEnded = allEnded ? true : nil
            deployment.provisioner = nil
            deployment.provisionerDeploymentID = nil
            deployment.nextAttemptAt = now + backoff(attempt: deployment.attempts)
            deployment.updateAt = now
            actions = []
        }
        actions.append(
            .log(
                LogLine(
                    level: .warning,
                    message: "deployment lost by its provisioner",
                    metadata: [
                        "deployment": deployment.id, "reason": reason, "state": deployment.state.rawValue, "attempts": "\(deployment.attempts)",
                    ]
                )
            )
        )
        return actions
    }

    /// Milliseconds before the next attempt: the base doubled per attempt so far, at most a
    /// minute, times the jitter.
    func backoff(attempt: Int) -> Int64 {
        let exponential = min(Double(configuration.backoff.milliseconds) * pow(2, Double(max(0, attempt - 1))), 60_000)
        return Int64(exponential * jitter())
    }
}

extension Deployment {
    /// A verify or a plan changes nothing, so its success says nothing new about the cluster's version.
    var changesVersion: Bool { action == .apply || action == .delete }
}
