import FleetAPI
import Foundation
import HelmDriver
import Testing

@testable import provisioner

/// How a deployer's neutral result becomes the status clients read, and how the helm strategy's
/// results become neutral ones. In-process: no helm, no cluster.
@Suite("Deployment outcomes")
struct DeploymentOutcomeTests {
    static let finishedAt = Date(timeIntervalSince1970: 1_700_000_000)

    static func running() -> DeploymentStatus {
        var status = DeploymentStatus(
            id: "d1",
            clusterID: "c1",
            service: "nginx",
            action: .apply,
            chart: ChartRequest(version: "4.15.1"),
            state: .running,
            createAt: 1
        )
        status.waiting = "waiting for another operation on this release"
        return status
    }

    static func finished(_ result: DeploymentResult, secrets: [String] = [], timeout: Duration = .seconds(90)) -> DeploymentStatus {
        var status = running()
        status.finish(with: result, redactor: Redactor(secrets: secrets), timeout: timeout, now: finishedAt)
        return status
    }

    @Test("a success is succeeded, with the strategy's details, its log redacted, and no longer waiting")
    func success() {
        let release = ReleaseInfo(name: "nginx", namespace: "nginx", revision: 2, status: .deployed, chart: "ingress-nginx-4.15.1")
        let details = DeploymentDetails(
            report: .helm(HelmReport(recovery: RemediationRecord(.rollback(toRevision: 1), error: nil), remediation: nil, release: release)),
            log: ["helm upgrade nginx: ok", "token s3cr3t-token seen"]
        )

        let status = Self.finished(DeploymentResult(outcome: .succeeded, details: details), secrets: ["s3cr3t-token"])

        #expect(status.state == .succeeded)
        #expect(status.error == nil)
        #expect(status.recovery == RemediationRecord(.rollback(toRevision: 1), error: nil))
        #expect(status.release == release)
        #expect(status.log.count == 2 && !status.log[1].contains("s3cr3t-token"))
        #expect(status.waiting == nil)
        #expect(status.endAt == Self.finishedAt.millisecondsSince1970)
    }

    @Test("a failure is failed, with its step and message, secrets redacted")
    func failure() {
        let failure = DeploymentFailure(.invalidInput, step: "kubeconfig", message: "token s3cr3t-token is not accepted")

        let status = Self.finished(DeploymentResult(failure: failure), secrets: ["s3cr3t-token"])

        #expect(status.state == .failed)
        #expect(status.error?.hasPrefix("kubeconfig: token ") == true)
        #expect(status.error?.contains("s3cr3t") == false)
    }

    @Test("a release held by another operation is given up as cancelled, so a client may send it again")
    func releaseHeldIsCancelled() {
        let failure = DeploymentFailure(.releaseHeld, step: "helm history", message: "gave up waiting for another operation on this release")

        let status = Self.finished(DeploymentResult(failure: failure))

        #expect(status.state == .cancelled)
        #expect(status.error == "helm history: gave up waiting for another operation on this release")
    }

    @Test("values fetched for ValuesFrom are scrubbed from the error and the log, as the request's own secrets are")
    func fetchedSecretsRedacted() {
        var result = DeploymentResult(
            failure: DeploymentFailure(.failed, step: "helm upgrade", message: "value \"fetched-password-01\" is invalid; token s3cr3t-request-token")
        )
        result.details.log = ["helm upgrade: rendered fetched-password-01"]
        result.details.fetchedSecrets = ["fetched-password-01"]

        let status = Self.finished(result, secrets: ["s3cr3t-request-token"])

        #expect(status.error == "helm upgrade: value \"[REDACTED]\" is invalid; token [REDACTED]")
        #expect(status.log == ["helm upgrade: rendered [REDACTED]"])
    }

    @Test("a cancelled deployment keeps the reason it was cancelled for, or says cancelled")
    func cancelled() {
        var status = Self.running()
        status.error = "cancelled by request"
        status.finish(with: DeploymentResult(outcome: .cancelled), redactor: Redactor(secrets: []), timeout: .seconds(5), now: Self.finishedAt)

        #expect(status.state == .cancelled)
        #expect(status.error == "cancelled by request")
        #expect(Self.finished(DeploymentResult(outcome: .cancelled)).error == "cancelled")
    }

    @Test("a deployment stopped by its deadline is failed, naming the timeout")
    func deadlineExceeded() {
        let status = Self.finished(DeploymentResult(outcome: .deadlineExceeded), timeout: .seconds(90))

        #expect(status.state == .failed)
        #expect(status.error == "deadline of 90s exceeded; the deployment was stopped")
    }

    @Test(
        "helm's error kinds become neutral kinds, and the error still reads as the helm command that failed",
        arguments: [
            (HelmError.Kind.releaseHeld, DeploymentFailure.Kind.releaseHeld), (.timedOut, .timedOut),
            (.clusterUnreachable, .clusterUnreachable), (.chartNotFound, .chartNotFound), (.operationInProgress, .failed),
            (.noDeployedReleases, .failed), (.notRunnable, .failed), (.failed, .failed),
        ]
    )
    func helmFailure(helm: HelmError.Kind, neutral: DeploymentFailure.Kind) {
        let failure = DeploymentFailure(HelmError(kind: helm, command: "upgrade", message: "UPGRADE FAILED: it broke"))

        #expect(failure.kind == neutral)
        #expect(failure.description == "helm upgrade: UPGRADE FAILED: it broke")
    }

    @Test("a helm release result keeps its outcome, records and log as the neutral result's")
    func helmResult() {
        let record = RemediationRecord(.uninstall, error: nil)
        let released = ReleaseResult(
            outcome: .failed(HelmError(kind: .timedOut, command: "upgrade", message: "context deadline exceeded")),
            remediation: record,
            log: ["helm upgrade nginx: failed"]
        )

        let result = DeploymentResult(released)

        #expect(result.outcome == .failed(DeploymentFailure(.timedOut, step: "helm upgrade", message: "context deadline exceeded")))
        #expect(result.details == DeploymentDetails(report: .helm(HelmReport(remediation: record)), log: ["helm upgrade nginx: failed"]))
        #expect(DeploymentResult(ReleaseResult(outcome: .cancelled)).outcome == .cancelled)
        #expect(DeploymentResult(ReleaseResult(outcome: .deadlineExceeded)).outcome == .deadlineExceeded)
        #expect(DeploymentResult(ReleaseResult(outcome: .succeeded)).outcome == .succeeded)
        #expect(
            DeploymentResult(ReleaseResult(outcome: .workspaceFailed("cannot write values-0-defaults.yaml: No space left on device"))).outcome
                == .failed(DeploymentFailure(.failed, step: "workspace", message: "cannot write values-0-defaults.yaml: No space left on device")),
            "not a helm command's failure"
        )
    }

    @Test("the helm strategy locks one release on one cluster")
    func helmLockKey() {
        let nginx = Nginx().strategy.lockKey(server: "https://a:6443")

        #expect(nginx == Nginx().strategy.lockKey(server: "https://a:6443"))
        #expect(nginx != Nginx().strategy.lockKey(server: "https://b:6443"))
        #expect(nginx != Prometheus().strategy.lockKey(server: "https://a:6443"))
    }
}
