import Foundation
import Internal

/// A deployment held by this provisioner: the request (kubeconfig included, never reported) and
/// the status reported for it.
struct Job: Sendable {
    var request: DeploymentRequest
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
}
