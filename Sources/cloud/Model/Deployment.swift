import FleetAPI
import ServerSupport

/// Where a deployment is in the cloud server's eyes.
/// `requested` → `dispatched` → `running` → `succeeded` | `failed`, or `cancel-requested` → `cancelled`;
/// `DeploymentLifecycle` makes every transition.
enum CloudDeploymentState: String, Codable, Sendable, CaseIterable {
    case requested
    case dispatched
    case running
    case succeeded
    case failed
    case cancelRequested = "cancel-requested"
    case cancelled

    var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
    /// Held by a provisioner (or about to be): at most one such per (cluster, service).
    var isActive: Bool { self == .dispatched || self == .running || self == .cancelRequested }
}

/// A deployment as the cloud server keeps it: the request, and everything learned while it ran.
struct Deployment: Codable, Sendable, Equatable {
    var id: String
    var clusterID: String
    var service: ServiceName
    var action: DeploymentAction
    var chart: ChartRequest?
    /// The digest of the chart its provisioner installed (an OCI manifest digest, or an archive's sha256), or the
    /// one it pinned; the request's own `chart` stays as asked.
    var chartDigest: String?
    /// What the chart's provenance said, when its provisioner checks charts.
    var chartVerification: ChartVerification?
    var values: JSONValue?
    var valuesFrom: [ValueReference]?
    var timeoutSeconds: Int?
    var state: CloudDeploymentState
    /// How many times it was handed to a provisioner.
    var attempts: Int
    /// The provisioner instance holding it, and the ID it has there.
    var provisioner: String?
    var provisionerDeploymentID: String?
    var error: String?
    var remediation: RemediationRecord?
    var release: ReleaseInfo?
    var log: [String]
    var createAt: Int64
    var updateAt: Int64
    var endAt: Int64
    /// Not dispatched again before this time (backoff after a lost attempt).
    var nextAttemptAt: Int64
    /// Last time its provisioner answered about it.
    var lastSeenAt: Int64
    /// Another deployment that must succeed first (when provisioning, one for a service this one depends on).
    var dependsOn: String?
    /// While running: what it waits for on its provisioner, e.g. another operation on the release.
    var waiting: String?
    /// Every attempt so far is known to have ended (a provisioner restarted without it), so the
    /// next may recover a release they left pending at once; sent with that attempt.
    var previousAttemptsEnded: Bool?
    /// What its provisioner did to a release an earlier, interrupted operation left pending.
    var recovery: RemediationRecord?
    /// A finished plan: what applying its chart and values would change.
    var plan: ReleasePlan?
    /// Run the chart's tests after the apply; a failed test fails the deployment.
    var test: Bool?
    /// A drift correction: the apply takes back fields another manager changed (server-side
    /// apply's `--force-conflicts`), where an ordinary apply would fail on them.
    var forceConflicts: Bool?
    /// How often a failed apply is run again (after its remediation), and the first wait before
    /// that, doubled each time.
    var retry: RetryPolicy?
    /// The errors of the attempts that failed and were retried, oldest first (at most 10).
    var failures: [String]?
    /// The deployment this one retries (`POST /api/deployment/{id}/retry`).
    var retryOf: String?
    /// W3C `traceparent` of the request that created it: each dispatch, by whichever server and
    /// after any restart, is a span in that trace.
    var traceParent: String?
}

extension Deployment {
    /// What it does: its action, chart, values and test run.
    var spec: DeploymentSpec { DeploymentSpec(action: action, chart: chart, values: values, valuesFrom: valuesFrom, test: test) }
}

/// `Retries` and `RetryBackoffSeconds` of a request: re-runs of a failed apply.
struct RetryPolicy: Codable, Sendable, Equatable {
    var retries: Int
    var backoffSeconds: Int

    static let retriesRange = 0...10
    static let backoffRange = 1...3600

    /// Checked field by field; nil when no retries are asked for.
    static func validated(retries: Int?, backoffSeconds: Int?) throws(APIError) -> RetryPolicy? {
        if let retries, !retriesRange.contains(retries) {
            throw .badRequest("Retries must be between 0 and 10", field: "Retries")
        }
        if let backoffSeconds, !backoffRange.contains(backoffSeconds) {
            throw .badRequest("RetryBackoffSeconds must be between 1 and 3600", field: "RetryBackoffSeconds")
        }
        guard let retries, retries > 0 else { return nil }
        return RetryPolicy(retries: retries, backoffSeconds: backoffSeconds ?? 10)
    }
}
