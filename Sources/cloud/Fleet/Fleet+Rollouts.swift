import FleetAPI
import HTTPTypes
import ServerSupport
import Telemetry
import Tracing

/// Rollouts: made by their lifecycle, written with their audit entry, then driven by the
/// supervisor's passes; and the operator's controls.
extension Fleet {
    /// A rollout of `target` to the clusters `ids` (named by `names`), in waves by `strategy`; not
    /// yet written. A plan that cannot be made is a 400 naming the field.
    func proposeRollout(
        service: ServiceName,
        target: DeploymentSpec,
        strategy: RolloutStrategy,
        selection: String,
        clusters ids: [String],
        names: [String: String]
    ) throws -> Rollout {
        supervisor.rolloutLifecycle.created(
            service: service,
            target: target,
            strategy: strategy,
            selection: selection,
            plan: try Self.waves(ids, strategy),
            names: names
        )
    }

    /// Writes the rollout with its audit entry (and the profile targets it carries out); the
    /// supervisor's next pass starts its first wave.
    func create(_ rollout: Rollout, audit: AuditTrail, profileTargets: [ProfileTargetChange] = []) async throws -> Rollout {
        var traced = rollout
        traced.traceParent = InstrumentationContext.current?.trace?.traceparent
        let created = traced
        try await audit.recording(targets: [created.id] + created.clusters.map(\.clusterID), status: .created) { entry in
            try await store.createRollout(created, audit: entry, profileTargets: profileTargets)
        }
        supervisor.wake()
        return created
    }

    /// What the rollout would change on each of its clusters, before anything is applied: one
    /// `plan` deployment per target cluster, in wave order. Nothing is changed.
    func plan(_ rollout: Rollout, audit: AuditTrail) async throws -> [RolloutPlanEntry] {
        guard rollout.target.action == .apply else {
            throw APIError.badRequest("a plan shows what an apply would change; a delete removes the whole release", field: "Action")
        }
        let work = rollout.clusters.map {
            Work(
                clusterID: $0.clusterID,
                service: rollout.service,
                spec: DeploymentSpec(action: .plan, chart: rollout.target.chart, values: rollout.target.values),
                timeoutSeconds: rollout.strategy.timeoutSeconds
            )
        }
        let deployments = try await start(work, audit: audit)
        return zip(rollout.clusters, deployments).map { cluster, deployment in
            RolloutPlanEntry(clusterID: cluster.clusterID, name: cluster.name, wave: cluster.wave + 1, deploymentID: deployment.id)
        }
    }

    /// An operator's control (pause, resume, approve, cancel), decided by the rollout's lifecycle.
    func control(rollout id: String, _ event: RolloutLifecycle.Event, audit: AuditTrail) async throws -> Rollout {
        let rollout = try await audit.recording(targets: [id], status: .ok) { entry in
            try await supervisor.apply(event, toRollout: id, audit: entry)
        }
        supervisor.wake()
        return rollout
    }

    /// A new rollout with the same strategy (but no analysis) that brings each cluster this one
    /// changed back to what it had before (recorded per cluster when its deployment was created).
    func undo(_ original: Rollout, audit: AuditTrail) async throws -> Rollout {
        guard original.state.isFinal else {
            throw APIError.conflict("rollout \(original.id) is \(original.state.rawValue); cancel it or let it finish before undoing it")
        }
        var changed: Set<String> = []
        for cluster in original.clusters {
            guard let id = cluster.deploymentID, try await store.deployment(id)?.state == .succeeded else { continue }
            changed.insert(cluster.clusterID)
        }
        guard let rollout = supervisor.rolloutLifecycle.undo(of: original, changed: changed) else {
            throw APIError.conflict("rollout \(original.id) changed no cluster; there is nothing to undo")
        }
        return try await create(rollout, audit: audit)
    }

    /// The waves `ids` go in with `strategy`; a plan that cannot be made is a 400 naming the field.
    static func waves(_ ids: [String], _ strategy: RolloutStrategy) throws(APIError) -> RolloutPlan {
        do {
            return try RolloutPlan(targets: ids, strategy: strategy)
        } catch {
            throw .badRequest(error.description, field: error.field)
        }
    }
}
