import FleetAPI
import Foundation
import HelmDriver
import ServerSupport

extension DeploymentStatus {
    /// A new, queued deployment for a validated request.
    init(queued request: DeploymentRequest, id: String, chart: ChartRequest, now: Date) {
        self.init(
            id: id,
            clusterID: request.clusterID,
            service: request.service,
            action: request.action,
            chart: chart,
            state: .queued,
            createAt: now.millisecondsSince1970
        )
    }

    /// Records how the deployer's work ended.
    mutating func finish(with result: DeploymentResult, redactor: Redactor, timeout: Duration, now: Date) {
        let redactor = redactor.adding(result.details.fetchedSecrets)
        switch result.outcome {
        case .succeeded:
            state = .succeeded
        case .failed(let failure) where failure.kind == .releaseHeld:
            // Nothing was done: given up, like a deployment a draining provisioner never started,
            // so a client that retries lost work (the cloud server) sends it again.
            state = .cancelled
            error = redactor.redact(failure.description)
        case .failed(let failure):
            state = .failed
            error = redactor.redact(failure.description)
        case .cancelled:
            state = .cancelled
            if error == nil { error = "cancelled" }
        case .deadlineExceeded:
            state = .failed
            error = "deadline of \(GoDuration.format(timeout)) exceeded; the deployment was stopped"
        }
        waiting = nil
        // The wire status keeps Helm's fields: the strategy that fills them says what they hold.
        switch result.details.report {
        case .helm(let report):
            (recovery, remediation, release) = (report.recovery, report.remediation, report.release)
        case .objects:
            (recovery, remediation, release) = (nil, nil, result.details.release)
        case nil:
            (recovery, remediation, release) = (nil, nil, nil)
        }
        if let pulled = result.details.pulledChart {
            chart.digest = pulled.digest
            chartVerification = pulled.verification
        }
        log = result.details.log.map(redactor.redact)
        drift = result.details.drift.map { DriftReport(reasons: $0.reasons.map(redactor.redact)) }
        plan = result.details.plan.map { plan in
            var plan = plan
            for index in plan.objects.indices { plan.objects[index].diff = redactor.redact(plan.objects[index].diff) }
            return plan
        }
        endAt = now.millisecondsSince1970
    }
}
