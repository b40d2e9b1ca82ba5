import FleetAPI
import ServerSupport

/// The deployments the fleet starts on its own reasoning: a retry, a cluster's utilities
/// provisioned, drift put back.
extension Fleet {
    /// A new deployment with the same request as a failed or cancelled one, linked to it (`RetryOf`).
    func retry(deployment id: String, audit: AuditTrail) async throws -> Deployment {
        guard let original = try await store.deployment(id) else { throw APIError.notFound("deployment \(id) not found") }
        guard original.state == .failed || original.state == .cancelled else {
            throw APIError.conflict("deployment \(id) is \(original.state.rawValue); only a failed or cancelled one is retried")
        }
        guard try await store.cluster(original.clusterID) != nil else {
            throw APIError.conflict("cluster \(original.clusterID) of deployment \(id) no longer exists")
        }
        let work = Work(
            clusterID: original.clusterID,
            service: original.service,
            spec: original.spec,
            timeoutSeconds: original.timeoutSeconds,
            retry: original.retry,
            retryOf: original.id
        )
        return try await start([work], audit: audit, targets: [original.id])[0]
    }

    /// A utility's wanted version, with values to apply it with.
    struct WantedUtility: Sendable {
        var version: UtilityVersion
        var values: JSONValue?
    }

    /// Sets the cluster's desired versions and starts one apply per utility whose desired version
    /// differs from the actual one (or that comes with values), in dependency order: a utility waits
    /// for the deployment of what it depends on when that is part of the same request.
    func provision(_ cluster: Cluster, _ wanted: [ServiceName: WantedUtility], audit: AuditTrail) async throws -> [Deployment] {
        var work: [Work] = []
        for (service, needs) in await services.plan(Array(wanted.keys)) {
            guard let utility = wanted[service] else { continue }
            if utility.values == nil, cluster.utilities.actualVersions[service.rawValue] == .some(utility.version) { continue }
            work.append(
                Work(
                    clusterID: cluster.id,
                    service: service,
                    spec: DeploymentSpec(action: .apply, chart: ChartRequest(version: utility.version.chart), values: utility.values),
                    // It waits for one prerequisite: the last of them in provisioning order.
                    after: work.lastIndex { needs.contains($0.service) }
                )
            )
        }
        let desired = Dictionary(uniqueKeysWithValues: wanted.map { ($0.key.rawValue, Optional($0.value.version)) })
        return try await start(work, desiredVersions: (cluster.id, desired), audit: audit, targets: [cluster.id])
    }

    /// Applies the utility's desired version (and the values last applied with it) again, taking
    /// back the fields someone changed; nil when nothing is to be applied or it is busy. A
    /// service a profile sets gets the profile's render back, whatever was applied last.
    func correctDrift(of cluster: Cluster, _ service: ServiceName, audit: AuditTrail) async throws -> Deployment? {
        guard try await !store.utilityBusy(cluster: cluster.id, service: service) else { return nil }
        // A held target's revision was undone: what the cluster runs now is what is restored.
        if let target = try await store.profileTarget(cluster: cluster.id, service: service), target.held == nil, let profiled = target.spec {
            let work = Work(clusterID: cluster.id, service: service, spec: profiled, forceConflicts: true)
            return try await start([work], audit: audit)[0]
        }
        let fresh = try await store.cluster(cluster.id)
        guard case .some(.some(let version)) = fresh?.utilities.desiredVersions[service.rawValue] ?? fresh?.utilities.actualVersions[service.rawValue]
        else { return nil }
        let applied = try await store.lastApplied(cluster: cluster.id, service: service)
        let work = Work(
            clusterID: cluster.id,
            service: service,
            spec: DeploymentSpec(
                action: .apply,
                chart: ChartRequest(version: version.chart, repository: applied?.chart?.repository),
                values: applied?.chart?.version == version.chart ? applied?.values : nil
            ),
            timeoutSeconds: applied?.timeoutSeconds,
            // Putting back what someone changed is the point: fields another manager now owns are
            // forced back, as Flux's helm-controller always does.
            forceConflicts: true
        )
        return try await start([work], audit: audit)[0]
    }
}
