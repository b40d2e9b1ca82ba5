import Foundation
import Internal

/// A deployment held by this provisioner: the request (kubeconfig included, never reported) and
/// the status reported for it.
struct Job: Sendable {
    var request: DeploymentRequest
    var status: DeploymentStatus
    /// Operations on the same release never overlap.
    var releaseKey: ReleaseKey
    var timeout: Duration
    var redactor: Redactor
    /// The queue's sequence number at this job's last status change.
    var sequence: UInt64 = 0
}

/// One release on one cluster: the kubeconfig's API server, the namespace, the release name.
struct ReleaseKey: Hashable, Sendable {
    var server: String
    var release: ReleaseRef
}

extension DeploymentStatus {
    /// A new, queued deployment for a validated request.
    init(queued request: DeploymentRequest, id: String, chart: ChartRequest, now: Date) {
        self.init(
            id: id, clusterID: request.clusterID, service: request.service, action: request.action,
            chart: chart, state: .queued, createAt: now.millisecondsSince1970)
    }

    /// Records how the deployer's work ended.
    mutating func finish(with result: ReleaseResult, redactor: Redactor, timeout: Duration, now: Date) {
        switch result.outcome {
        case .succeeded:
            state = .succeeded
        case .failed(let error) where error.kind == .releaseHeld:
            // Nothing was done: given up, like a deployment a draining provisioner never started,
            // so a client that retries lost work (the cloud server) sends it again.
            state = .cancelled
            self.error = redactor.redact(error.description)
        case .failed(let error):
            state = .failed
            self.error = redactor.redact(error.description)
        case .cancelled:
            state = .cancelled
            if error == nil { error = "cancelled" }
        case .deadlineExceeded:
            state = .failed
            error = "deadline of \(GoDuration.format(timeout)) exceeded; helm was stopped"
        }
        waiting = nil
        recovery = result.recovery
        remediation = result.remediation
        release = result.release
        log = result.log.map(redactor.redact)
        endAt = now.millisecondsSince1970
    }
}
