import Internal

/// Where the cloud server keeps all of its state: `SQLStore` on one SQLite file, or on a
/// PostgreSQL database that several cloud servers share.
///
/// Methods that change state take an optional audit entry, written in the same transaction as the
/// change, so the log never shows a change that did not happen nor misses one that did.
protocol Store: Sendable {
    func createCluster(_ cluster: Cluster, kubeconfig: ClusterKubeconfig, audit: AuditEntry?) async throws
    func cluster(_ id: String) async throws -> Cluster?
    /// The kubeconfig (or where it is kept) the provisioners get; never returned by the API.
    func kubeconfig(ofCluster id: String) async throws -> ClusterKubeconfig?
    /// Registered clusters in registration order; a label filter or a page reads whole clusters
    /// only for that page.
    func clusters(label: String?, page: Int, perPage: Int) async throws -> [Cluster]
    /// What filtering and paging the fleet need of every cluster, in registration order, without
    /// reading its utilities: decoding those took 3/4 of the dashboard's time at 10,000 clusters.
    func clusterSummaries() async throws -> [ClusterSummary]
    /// These clusters, in this order; unknown or deleted ones left out.
    func clusters(ids: [String]) async throws -> [Cluster]
    /// The clusters with at least one drifted utility, by an index however large the fleet.
    func driftedClusters() async throws -> [Cluster]
    /// Marks the cluster deleted; refused while any of its deployments is not final.
    func deleteCluster(_ id: String, at time: Int64, audit: AuditEntry?) async throws
    /// Changes a cluster's utility metadata in one transaction.
    func updateUtilities(ofCluster id: String, _ change: UtilitiesChange) async throws

    /// Writes deployments, and optionally a cluster's new desired versions, in one transaction.
    func createDeployments(
        _ deployments: [Deployment],
        desiredVersions: (cluster: String, versions: [String: UtilityVersion?])?,
        audit: AuditEntry?
    ) async throws
    func deployment(_ id: String) async throws -> Deployment?
    /// The deployment's stored JSON, unparsed, with its state: what `GET /api/deployment/{id}` answers.
    func deploymentDocument(_ id: String) async throws -> DeploymentDocument?
    func deployments(_ filter: DeploymentFilter, page: Int, perPage: Int) async throws -> [Deployment]
    /// Reads, changes and writes one deployment in one transaction, so the API and the supervisor
    /// never overwrite each other's changes; with it, the change to its cluster's utilities that
    /// `change` returns, if any. Returns the deployment as written.
    @discardableResult
    func updateDeployment(
        _ id: String,
        audit: AuditEntry?,
        _ change: @Sendable (inout Deployment) throws -> UtilitiesChange?
    ) async throws -> Deployment
    /// The last apply of each of `services` that succeeded on the cluster: what it runs, with
    /// which values and at which revision. Plans, checks and verifications change nothing and
    /// never count.
    func lastApplied(cluster: String, services: [ServiceName]) async throws -> [ServiceName: Deployment]
    /// The cluster's services with work in flight: an unfinished deployment, or an active rollout.
    func busyUtilities(cluster: String) async throws -> Set<ServiceName>
    /// The newest deployment of each (cluster, service) of these clusters.
    func latestDeployments(clusters: [String]) async throws -> [Deployment]
    /// A cluster's newest deployments, newest first.
    func recentDeployments(cluster: String, limit: Int) async throws -> [Deployment]
    /// Deployments not yet final, those created since `time` that failed, and the fleet's drifted utilities.
    func fleetCounts(failedSince time: Int64) async throws -> (inFlight: Int, failed: Int, driftedUtilities: Int)
    /// Deployments a provisioner holds or is about to hold.
    func activeDeployments() async throws -> [Deployment]
    /// The oldest requested deployment of each (cluster, service) that has no active one, due by `now`.
    func dispatchableDeployments(now: Int64) async throws -> [Deployment]

    /// Leases let cloud servers share a database: each works only on the unfinished deployments it
    /// holds. Takes every free one (never held, or its lease expired by `now`) for `owner` until
    /// `until` and returns the IDs taken; with `renew`, also extends and returns those it holds.
    func claimLeases(owner: String, now: Int64, until: Int64, renew: Bool) async throws -> Set<String>
    /// Lets go of `owner`'s leases, so on a graceful stop another server carries on at once.
    func releaseLeases(owner: String) async throws

    /// Writes a new rollout; refused (`conflict`, naming it) when an active rollout already
    /// targets one of its clusters for the same service.
    func createRollout(_ rollout: Rollout, audit: AuditEntry?) async throws
    func rollout(_ id: String) async throws -> Rollout?
    /// Newest first.
    func rollouts(state: RolloutState?, page: Int, perPage: Int) async throws -> [Rollout]
    /// The IDs of the rollouts not yet final, oldest first.
    func unfinishedRollouts() async throws -> [String]
    /// Reads, changes and writes one rollout in one transaction, with what the change asks to
    /// write alongside (its new deployments and the clusters' desired versions). With
    /// `gatheringFacts`, the change gets the recorded facts `RolloutLifecycle` advances from.
    @discardableResult
    func updateRollout(
        _ id: String,
        gatheringFacts: Bool,
        audit: AuditEntry?,
        _ change: @Sendable (inout Rollout, RolloutLifecycle.Facts) throws -> RolloutLifecycle.Writes
    ) async throws -> Rollout

    /// Writes events that no other change carries (a provisioner's health as this server sees it).
    func recordEvents(_ events: [FleetEvent]) async throws
    /// The events after `id`, oldest first. IDs increase in commit order, so reading on from the
    /// last ID seen misses none.
    func events(after id: Int64, limit: Int) async throws -> [FleetEvent]
    func latestEventID() async throws -> Int64
    /// Deletes events written before `time` beyond the newest `keep`; returns how many went.
    func pruneEvents(before time: Int64, keep: Int) async throws -> Int

    func createWebhook(_ webhook: Webhook, audit: AuditEntry?) async throws
    /// Every webhook with how its deliveries are going.
    func webhooks() async throws -> [Webhook]
    func deleteWebhook(_ id: String, audit: AuditEntry?) async throws
    /// Makes the `--webhook` hooks exactly these; the API's stay.
    func configureWebhooks(_ configured: [Webhook]) async throws
    /// Queues a delivery per webhook for each new event it takes; returns how many.
    func enqueueWebhookDeliveries(now: Int64, limit: Int) async throws -> Int
    /// Takes due deliveries, at most one per (webhook, object) at a time, oldest first.
    func claimWebhookDeliveries(owner: String, now: Int64, until: Int64, limit: Int) async throws -> [WebhookDelivery]
    /// Records a delivery's attempt: taken (`error` nil), to be tried at `retryAt`, or given up.
    func finishWebhookDelivery(_ delivery: WebhookDelivery, at now: Int64, error: String?, retryAt: Int64?) async throws

    /// Writes an audit entry on its own: for requests that changed nothing (refusals, failures).
    func recordAudit(_ entry: AuditEntry) async throws
    /// Audit entries, newest first.
    func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry]
    /// Deletes the audit entries written before `time`; returns how many went.
    func pruneAudit(before time: Int64) async throws -> Int
}

/// The changes the supervisor makes on its own account, which are not audited.
extension Store {
    func createCluster(_ cluster: Cluster, kubeconfig: ClusterKubeconfig) async throws {
        try await createCluster(cluster, kubeconfig: kubeconfig, audit: nil)
    }

    func deleteCluster(_ id: String, at time: Int64) async throws {
        try await deleteCluster(id, at: time, audit: nil)
    }

    func createDeployments(_ deployments: [Deployment], desiredVersions: (cluster: String, versions: [String: UtilityVersion?])?) async throws {
        try await createDeployments(deployments, desiredVersions: desiredVersions, audit: nil)
    }

    /// `updateDeployment` of the deployment alone.
    @discardableResult
    func updateDeployment(_ id: String, audit: AuditEntry? = nil, _ change: @Sendable (inout Deployment) throws -> Void) async throws -> Deployment {
        try await updateDeployment(id, audit: audit) { deployment -> UtilitiesChange? in
            try change(&deployment)
            return nil
        }
    }
}

/// One utility's reads, as the reads of several answer them.
extension Store {
    func lastApplied(cluster: String, service: ServiceName) async throws -> Deployment? {
        try await lastApplied(cluster: cluster, services: [service])[service]
    }

    func utilityBusy(cluster: String, service: ServiceName) async throws -> Bool {
        try await busyUtilities(cluster: cluster).contains(service)
    }
}

/// A change to a cluster's utility metadata, made inside a store transaction.
typealias UtilitiesChange = @Sendable (inout UtilityMetadata) -> Void

/// A cluster's kubeconfig as the store keeps it: the text, or only a reference to it in AWS.
enum ClusterKubeconfig: Sendable, Equatable {
    case inline(String)
    case source(KubeconfigSource)
}

/// A deployment's stored JSON and its state, for answering without parsing it.
struct DeploymentDocument: Sendable {
    var json: String
    var state: CloudDeploymentState
}

struct DeploymentFilter: Sendable {
    var cluster: String?
    var service: ServiceName?
    var state: CloudDeploymentState?
}

enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case conflict(String)
    case schemaTooNew(found: Int, supported: Int)

    var description: String {
        switch self {
        case .notFound(let what): "\(what) not found"
        case .conflict(let why): why
        case .schemaTooNew(let found, let supported):
            "the database schema is version \(found), newer than this cloud server understands (\(supported)); upgrade the cloud binary"
        }
    }
}

extension StoreError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError.notFound(description)
        case .conflict: APIError.conflict(description)
        case .schemaTooNew: APIError(.internalServerError, "database schema mismatch")
        }
    }
}
