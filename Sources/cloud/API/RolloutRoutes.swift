import FleetAPI
import Foundation
import Hummingbird
import ServerSupport

/// Rollouts: create, list, get, and the operator's controls (pause, resume, approve, cancel, undo).
struct RolloutRoutes: Sendable {
    let fleet: Fleet
    /// What each role reads of the values.
    let values: ValuesView

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
        try report(.created, try await fleet.create(try await proposed(request), audit: context.audit))
    }

    /// The rollout a request describes, its clusters and waves fixed, not yet written.
    private func proposed(_ request: Request) async throws -> Rollout {
        let body = try await JSONRequest.decode(RolloutRequest.self, from: request)
        try await fleet.services.validate(body.service, field: "Service")
        let (target, strategy) = try body.validated(metricsTokens: fleet.supervisor.metricsReader.tokenNames)
        let clusters = try await fleet.store.clusterSummaries()
        let (ids, selection) = try body.targets(among: clusters)
        if let analysis = strategy.analysis {
            let byID = Dictionary(uniqueKeysWithValues: clusters.map { ($0.id, $0) })
            try await fleet.checkAnalysis(analysis, for: ids.compactMap { byID[$0].map(ClusterTemplate.Facts.init) })
        }
        return try fleet.proposeRollout(
            service: body.service,
            target: target,
            strategy: strategy,
            selection: selection,
            clusters: ids,
            names: Dictionary(uniqueKeysWithValues: clusters.map { ($0.id, $0.name) })
        )
    }

    /// What a rollout with this body would change on each of its clusters, before anything is
    /// applied: one `plan` deployment per target cluster, in wave order. Nothing is changed.
    @Sendable func plan(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try JSONResponse.make(.accepted, try await fleet.plan(try await proposed(request), audit: context.audit))
    }

    @Sendable func list(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let paging = try Paging(request)
        var state: RolloutState?
        if let text = request.uri.queryParameters.get("state") {
            guard let parsed = RolloutState(rawValue: text) else { throw APIError.badRequest("unknown state \"\(text)\"", field: "state") }
            state = parsed
        }
        let rollouts = try await fleet.store.rollouts(state: state, page: paging.page, perPage: paging.perPage)
        let now = fleet.now()
        return try JSONResponse.make(.ok, try await readable(rollouts, context).map { RolloutReport(rollout: $0, now: now) })
    }

    @Sendable func get(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try report(.ok, try await readable([try await rollout(context)], context)[0])
    }

    /// The rollouts as the caller may read their values (see `ValuesView`); a read of secrets by
    /// an operator or admin is audited.
    private func readable(_ rollouts: [Rollout], _ context: CloudRequestContext) async throws -> [Rollout] {
        let role = context.caller.role
        guard values.showsSecrets(to: role) else { return rollouts.map { $0.mappingValues { values.values($0, for: role) } } }
        try await values.recordRead(of: rollouts.filter { $0.allValues.contains(where: values.secrets.holdsSecrets) }.map(\.id), context)
        return rollouts
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

    /// A new rollout that brings each cluster this one changed back to what it had before.
    @Sendable func undo(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try report(.created, try await fleet.undo(try await rollout(context), audit: context.audit))
    }

    private func control(_ event: RolloutLifecycle.Event, _ context: CloudRequestContext) async throws -> Response {
        try report(.ok, try await fleet.control(rollout: try context.parameters.require("id"), event, audit: context.audit))
    }

    private func rollout(_ context: CloudRequestContext) async throws -> Rollout {
        let id = try context.parameters.require("id")
        guard let rollout = try await fleet.store.rollout(id) else { throw APIError.notFound("rollout \(id) not found") }
        return rollout
    }

    private func report(_ status: HTTPResponse.Status, _ rollout: Rollout) throws -> Response {
        try JSONResponse.make(status, RolloutReport(rollout: rollout, now: fleet.now()))
    }
}

/// One target cluster of a planned rollout and the plan deployment that answers for it.
struct RolloutPlanEntry: Codable, Sendable {
    var clusterID: String
    var name: String
    /// Counted from 1, as a profile plan's waves and everything people read.
    var wave: Int
    var deploymentID: String
}
