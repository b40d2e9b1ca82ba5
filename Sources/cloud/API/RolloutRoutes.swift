import Foundation
import Hummingbird
import Internal

/// Rollouts: create, list, get, and the operator's controls (pause, resume, approve, cancel, undo).
struct RolloutRoutes: Sendable {
    let store: any Store
    let supervisor: Supervisor
    let services: ServiceNames

    func add(to router: Router<CloudRequestContext>) {
        router.post("/api/rollouts", use: create)
        router.post("/api/rollouts/plan", use: plan)
        router.get("/api/rollouts", use: list)
        router.get("/api/rollout/:id", use: get)
        router.post("/api/rollout/:id/pause", use: pause)
        router.post("/api/rollout/:id/resume", use: resume)
        router.post("/api/rollout/:id/approve", use: approve)
        router.post("/api/rollout/:id/cancel", use: cancel)
        router.post("/api/rollout/:id/undo", use: undo)
    }

    @Sendable func create(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try await write(try await proposed(request), context: context)
    }

    /// The rollout a request describes, its clusters and waves fixed, not yet written.
    private func proposed(_ request: Request) async throws -> Rollout {
        let body = try await JSONRequest.decode(RolloutRequest.self, from: request)
        try await services.validate(body.service, field: "Service")
        let (target, strategy) = try body.validated()
        let clusters = try await store.clusterSummaries()
        let (ids, selection) = try body.targets(among: clusters)
        return supervisor.rolloutLifecycle.created(
            service: body.service,
            target: target,
            strategy: strategy,
            selection: selection,
            plan: try Self.waves(ids, strategy),
            names: Dictionary(uniqueKeysWithValues: clusters.map { ($0.id, $0.name) })
        )
    }

    /// What a rollout with this body would change on each of its clusters, before anything is
    /// applied: one `plan` deployment per target cluster, in wave order. Nothing is changed.
    @Sendable func plan(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let rollout = try await proposed(request)
        guard rollout.target.action == .apply else {
            throw APIError.badRequest("a plan shows what an apply would change; a delete removes the whole release", field: "Action")
        }
        var planned: [RolloutPlanEntry] = []
        var created: [(Deployment, [DeploymentLifecycle.Action])] = []
        for cluster in rollout.clusters {
            let (deployment, actions) = supervisor.lifecycle.created(
                clusterID: cluster.clusterID,
                service: rollout.service,
                action: .plan,
                chart: rollout.target.chart,
                values: rollout.target.values,
                timeoutSeconds: rollout.strategy.timeoutSeconds
            )
            created.append((deployment, actions))
            planned.append(RolloutPlanEntry(clusterID: cluster.clusterID, name: cluster.name, wave: cluster.wave, deploymentID: deployment.id))
        }
        let deployments = created.map(\.0)
        try await context.audit.recording(targets: deployments.map(\.id), status: .accepted) { entry in
            try await store.createDeployments(deployments, desiredVersions: nil, audit: entry)
        }
        for (deployment, actions) in created { try await supervisor.perform(actions, for: deployment) }
        return try JSONResponse.make(.accepted, planned)
    }

    @Sendable func list(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let paging = try Paging(request)
        var state: RolloutState?
        if let text = request.uri.queryParameters.get("state") {
            guard let parsed = RolloutState(rawValue: text) else { throw APIError.badRequest("unknown state \"\(text)\"", field: "state") }
            state = parsed
        }
        let rollouts = try await store.rollouts(state: state, page: paging.page, perPage: paging.perPage)
        let now = supervisor.lifecycle.clock.now()
        return try JSONResponse.make(.ok, rollouts.map { RolloutReport(rollout: $0, now: now) })
    }

    @Sendable func get(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try report(.ok, try await rollout(context))
    }

    @Sendable func pause(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try await control(.pause, context)
    }

    @Sendable func resume(_ request: Request, context: CloudRequestContext) async throws -> Response {
        var budget: RolloutShare?
        if let text = try await JSONRequest.decodeIfPresent(RolloutResumeRequest.self, from: request)?.maxFailures {
            do { budget = try RolloutShare(parsing: text, allowZero: true) } catch {
                throw APIError.badRequest("MaxFailures: \(error.description)", field: "MaxFailures")
            }
        }
        return try await control(.resume(maxFailures: budget), context)
    }

    @Sendable func approve(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try await control(.approve, context)
    }

    @Sendable func cancel(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try await control(.cancel, context)
    }

    /// A new rollout with the same strategy that brings each cluster this one changed back to what
    /// it had before (recorded per cluster when its deployment was created).
    @Sendable func undo(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let original = try await rollout(context)
        guard original.state.isFinal else {
            throw APIError.conflict("rollout \(original.id) is \(original.state.rawValue); cancel it or let it finish before undoing it")
        }
        var targets: [String: RolloutTarget] = [:]
        for cluster in original.clusters {
            guard let id = cluster.deploymentID, let previous = cluster.previous,
                try await store.deployment(id)?.state == .succeeded
            else { continue }
            targets[cluster.clusterID] = previous
        }
        let ids = original.clusters.map(\.clusterID).filter { targets[$0] != nil }
        guard let first = ids.first else { throw APIError.conflict("rollout \(original.id) changed no cluster; there is nothing to undo") }
        var strategy = original.strategy
        strategy.canaryClusters = strategy.canaryClusters.filter { targets[$0] != nil }
        strategy.canaries = strategy.canaryClusters.isEmpty ? min(strategy.canaries, ids.count - 1) : 0
        if !strategy.hasCanaryWave, strategy.approval == .afterCanary { strategy.approval = .none }
        let rollout = supervisor.rolloutLifecycle.created(
            service: original.service,
            target: targets[first]!,
            strategy: strategy,
            selection: "undo of \(original.id)",
            plan: try Self.waves(ids, strategy),
            names: Dictionary(uniqueKeysWithValues: original.clusters.map { ($0.clusterID, $0.name) }),
            targets: targets,
            undoes: original.id
        )
        return try await write(rollout, context: context)
    }

    private func write(_ rollout: Rollout, context: CloudRequestContext) async throws -> Response {
        try await context.audit.recording(targets: [rollout.id] + rollout.clusters.map(\.clusterID), status: .created) { entry in
            try await store.createRollout(rollout, audit: entry)
        }
        supervisor.wake()
        return try report(.created, rollout)
    }

    private func control(_ event: RolloutLifecycle.Event, _ context: CloudRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let rollout = try await context.audit.recording(targets: [id], status: .ok) { entry in
            try await supervisor.apply(event, toRollout: id, audit: entry)
        }
        supervisor.wake()
        return try report(.ok, rollout)
    }

    /// The waves `ids` go in with `strategy`; a plan that cannot be made is a 400 naming the field.
    static func waves(_ ids: [String], _ strategy: RolloutStrategy) throws(APIError) -> RolloutPlan {
        let canaries: RolloutPlan.Canaries =
            !strategy.canaryClusters.isEmpty ? .clusters(strategy.canaryClusters) : strategy.canaries > 0 ? .first(strategy.canaries) : .none
        do {
            return try RolloutPlan(targets: ids, canaries: canaries, batchSize: strategy.batchSize)
        } catch {
            throw .badRequest(error.description, field: error.field)
        }
    }

    private func rollout(_ context: CloudRequestContext) async throws -> Rollout {
        let id = try context.parameters.require("id")
        guard let rollout = try await store.rollout(id) else { throw APIError.notFound("rollout \(id) not found") }
        return rollout
    }

    private func report(_ status: HTTPResponse.Status, _ rollout: Rollout) throws -> Response {
        try JSONResponse.make(status, RolloutReport(rollout: rollout, now: supervisor.lifecycle.clock.now()))
    }
}

/// One target cluster of a planned rollout and the plan deployment that answers for it.
struct RolloutPlanEntry: Codable, Sendable {
    var clusterID: String
    var name: String
    var wave: Int
    var deploymentID: String

    enum CodingKeys: String, CodingKey {
        case clusterID = "ClusterID"
        case name = "Name"
        case wave = "Wave"
        case deploymentID = "DeploymentID"
    }
}
