import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import Telemetry
import Tracing

/// The cloud server's application layer: the one way work starts or changes. The API's routes,
/// the dashboard and the drift monitor call it; they parse, check what only they can check, and
/// answer. Here a deployment or rollout is made by its lifecycle, written with its audit entry in
/// one transaction, and handed to the supervisor, which drives it to the end.
///
/// The lifecycles and the provisioner pool are reached through here only: `supervisor` is for
/// the Fleet's own files and for the server that runs it.
struct Fleet: Sendable {
    let store: any Store
    let supervisor: Supervisor

    init(supervisor: Supervisor) {
        self.supervisor = supervisor
        store = supervisor.store
    }

    /// Wakes the profile keeper: a profile, a cluster, its labels or its Kubernetes version changed.
    var profileChanges: Wakeup { supervisor.profileChanges }

    /// What the fleet goes by: records' times, polls and timers.
    var clock: any WallClock { supervisor.clock }

    /// Now, in milliseconds since 1970, the records' unit.
    func now() -> Int64 { clock.millisecondsSince1970 }

    /// The services the provisioners publish, and what each needs first.
    var services: ServiceNames { ServiceNames(pool: supervisor.pool) }

    /// A profile's chart versions against those the ready provisioners offer.
    var chartVersions: ChartVersionCheck {
        let pool = supervisor.pool
        return ChartVersionCheck { await pool.chartVersions(of: $0, refresh: $1) }
    }

    /// The provisioner instances with their health and the deployments each holds now.
    func provisionerInstances() async throws -> [ProvisionerPool.Instance] {
        try await supervisor.provisionerInstances()
    }

    /// Checks the cluster's utilities (or those of `only`) now, stores and answers what each check found.
    func checkDrift(of clusterID: String, only services: Set<ServiceName>? = nil) async throws -> [String: DriftStatus] {
        try await supervisor.checkDrift(of: clusterID, only: services)
    }

    /// What to deploy where: a deployment before its lifecycle makes it.
    struct Work: Sendable {
        var clusterID: String
        var service: ServiceName
        var spec: DeploymentSpec
        var timeoutSeconds: Int?
        var retry: RetryPolicy?
        /// Fields another manager owns are taken back (drift correction).
        var forceConflicts: Bool?
        /// The failed or cancelled deployment this one repeats.
        var retryOf: String?
        /// The index of an earlier item of the same batch this one waits for.
        var after: Int?
    }

    /// Makes a deployment of each item, writes them (with the cluster's new desired versions and
    /// the profile targets they carry out, if given) and their audit entry in one transaction,
    /// then has them dispatched. The entry's targets: the new deployments, then `targets`, then
    /// their clusters. A profile target set here gets the ID of its (cluster, service)'s deployment.
    @discardableResult
    func start(
        _ work: [Work],
        desiredVersions: (cluster: String, versions: [String: UtilityVersion?])? = nil,
        audit: AuditTrail,
        targets: [String] = [],
        profileTargets: [ProfileTargetChange] = []
    ) async throws -> [Deployment] {
        try await refuseConflicts(work)
        var created: [(deployment: Deployment, actions: [DeploymentLifecycle.Action])] = []
        for item in work {
            var (deployment, actions) = supervisor.lifecycle.created(
                clusterID: item.clusterID,
                service: item.service,
                spec: item.spec,
                timeoutSeconds: item.timeoutSeconds,
                dependsOn: item.after.flatMap { created.indices.contains($0) ? created[$0].deployment.id : nil }
            )
            deployment.retry = item.retry
            deployment.forceConflicts = item.forceConflicts
            deployment.retryOf = item.retryOf
            deployment.traceParent = InstrumentationContext.current?.trace?.traceparent
            created.append((deployment, actions))
        }
        let deployments = created.map(\.deployment)
        let carried = Dictionary(deployments.map { (ProfileTarget.Key(clusterID: $0.clusterID, service: $0.service), $0.id) }) { $1 }
        let profileTargets = profileTargets.map { change -> ProfileTargetChange in
            guard case .set(var target) = change else { return change }
            target.deploymentID = carried[target.key] ?? target.deploymentID
            return .set(target)
        }
        // A rollout's plan has one deployment per cluster, ten thousand of them: a set, not a search.
        var seen = Set(targets)
        let clusters = deployments.map(\.clusterID).filter { seen.insert($0).inserted }
        let audited = deployments.map(\.id) + targets + clusters
        try await audit.recording(targets: audited, status: .accepted) { entry in
            try await store.createDeployments(deployments, desiredVersions: desiredVersions, audit: entry, profileTargets: profileTargets)
        }
        for (deployment, actions) in created { try await supervisor.perform(actions, for: deployment) }
        return deployments
    }

    /// Asks for the deployment to be cancelled (`DeploymentLifecycle` decides what that means now).
    func cancel(deployment id: String, audit: AuditTrail) async throws -> Deployment {
        try await audit.recording(targets: [id], status: .ok) { entry in
            try await supervisor.apply(.cancelRequested, to: id, audit: entry)
        }
    }
}
