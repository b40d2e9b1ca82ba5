import FleetAPI
import Foundation
import HelmDriver
import Tracing

/// A deployment held by this provisioner: the request (kubeconfig included, never reported) until
/// it starts, and the status reported for it.
struct Job: Sendable {
    /// Let go of when the job starts: the deployer has it then, and a finished job is kept for its
    /// status (up to an hour, 10,000 of them) and would otherwise hold every kubeconfig and values
    /// (credentials) for as long.
    var request: DeploymentRequest?
    /// The request's `fingerprint`, which recognises a retried POST after the request is gone.
    let fingerprint: [UInt8]
    var status: DeploymentStatus
    /// Operations holding the same key never overlap; the service's strategy chooses it.
    var lockKey: LockKey
    var timeout: Duration
    var redactor: Redactor
    /// The request's inline kubeconfig as validation parsed it, until the job starts (nil when it
    /// is fetched at deploy time).
    var kubeconfig: Kubeconfig?
    /// The queue's sequence number at this job's last status change.
    var sequence: UInt64 = 0
    /// The request's span: the job's run is a span under it, in the caller's trace.
    var trace = InstrumentationContext.topLevel

    init(request: DeploymentRequest, status: DeploymentStatus, lockKey: LockKey, timeout: Duration, redactor: Redactor, kubeconfig: Kubeconfig?) {
        self.request = request
        fingerprint = request.fingerprint
        self.status = status
        self.lockKey = lockKey
        self.timeout = timeout
        self.redactor = redactor
        self.kubeconfig = kubeconfig
    }
}
