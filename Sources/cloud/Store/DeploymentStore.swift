import FleetAPI

/// Deployments, and the leases by which cloud servers sharing a database divide the unfinished ones.
protocol DeploymentStore: Sendable {
    /// Writes deployments, and optionally a cluster's new desired versions and the profile
    /// targets they carry out, in one transaction.
    func createDeployments(
        _ deployments: [Deployment],
        desiredVersions: (cluster: String, versions: [String: UtilityVersion?])?,
        audit: AuditEntry?,
        profileTargets: [ProfileTargetChange]
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
}

extension DeploymentStore {
    func createDeployments(_ deployments: [Deployment], desiredVersions: (cluster: String, versions: [String: UtilityVersion?])?) async throws {
        try await createDeployments(deployments, desiredVersions: desiredVersions, audit: nil, profileTargets: [])
    }

    func createDeployments(
        _ deployments: [Deployment],
        desiredVersions: (cluster: String, versions: [String: UtilityVersion?])?,
        audit: AuditEntry?
    ) async throws {
        try await createDeployments(deployments, desiredVersions: desiredVersions, audit: audit, profileTargets: [])
    }

    /// `updateDeployment` of the deployment alone.
    @discardableResult
    func updateDeployment(_ id: String, audit: AuditEntry? = nil, _ change: @Sendable (inout Deployment) throws -> Void) async throws -> Deployment {
        try await updateDeployment(id, audit: audit) { deployment -> UtilitiesChange? in
            try change(&deployment)
            return nil
        }
    }

    /// One utility's last apply, as the read of several answers it.
    func lastApplied(cluster: String, service: ServiceName) async throws -> Deployment? {
        try await lastApplied(cluster: cluster, services: [service])[service]
    }

    /// Whether the utility has work in flight, as the read of all of them answers it.
    func utilityBusy(cluster: String, service: ServiceName) async throws -> Bool {
        try await busyUtilities(cluster: cluster).contains(service)
    }
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
    var actions: Actions = .all

    enum Actions: Sendable, Equatable {
        case all
        /// Every action but plans and checks: what a person listing deployments means unless
        /// they ask for those (a rollout's plan makes one per cluster, drift checks one a day).
        case changes
        case only([DeploymentAction])
    }
}
