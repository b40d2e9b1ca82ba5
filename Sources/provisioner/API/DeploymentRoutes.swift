import FleetAPI
import HelmDriver
import Hummingbird
import ServerSupport

/// The deployment API: queue, inspect, list and terminate deployments.
struct DeploymentRoutes: Sendable {
    let queue: JobQueue
    let validator: DeploymentValidator

    func add(to router: Router<BasicRequestContext>) {
        router.post("/api/deployments", use: create)
        router.get("/api/deployments", use: list)
        router.get("/api/deployments/changes", use: changes)
        router.get("/api/deployment/:id", use: get)
        router.delete("/api/deployment/:id", use: cancel)
    }

    @Sendable func create(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await JSONRequest.decode(DeploymentRequest.self, from: request)
        let job = try validator.job(for: body)
        let submitted: (status: DeploymentStatus, created: Bool)
        do {
            submitted = try await queue.submit(job)
        } catch {
            throw error.apiError
        }
        return try JSONResponse.make(submitted.created ? .accepted : .ok, submitted.status)
    }

    @Sendable func get(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        switch queue.board.answer(for: id) {
        case .json(let json): return JSONResponse.make(.ok, json: json)
        case .status(let status): return try JSONResponse.make(.ok, status)
        case nil: throw APIError.notFound("deployment \(id) not found")
        }
    }

    @Sendable func list(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var state: DeploymentState?
        if let text = query.get("state") {
            guard let parsed = DeploymentState(rawValue: text) else {
                let known = DeploymentState.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.badRequest("unknown state \"\(text)\"; one of \(known)", field: "state")
            }
            state = parsed
        }
        let statuses = await queue.list(state: state, cluster: query.get("cluster"), service: query.get("service").map { ServiceName(String($0)) })
        return try JSONResponse.make(.ok, statuses)
    }

    /// The change feed: answers at once when something changed after `after`, otherwise when
    /// something does or `wait` seconds have passed, whichever is first.
    @Sendable func changes(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let after = try Self.integer(query.get("after"), field: "after", in: 0...UInt64.max) ?? 0
        let wait = try Self.integer(query.get("wait"), field: "wait", in: 0...60) ?? 0
        var page = await queue.changes(after: after)
        if page.statuses.isEmpty, wait > 0 {
            await queue.changes.wait(after: after, timeout: .seconds(Int64(wait)))
            page = await queue.changes(after: after)
        }
        return try JSONResponse.make(.ok, DeploymentChanges(instance: page.instance, sequence: page.sequence, deployments: page.statuses))
    }

    private static func integer(_ text: String?, field: String, in range: ClosedRange<UInt64>) throws -> UInt64? {
        guard let text else { return nil }
        guard let value = UInt64(text), range.contains(value) else {
            throw APIError.badRequest("\"\(text)\" is not a whole number from \(range.lowerBound) to \(range.upperBound)", field: field)
        }
        return value
    }

    @Sendable func cancel(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let status: DeploymentStatus
        do {
            status = try await queue.cancel(id)
        } catch {
            throw error.apiError
        }
        return try JSONResponse.make(.ok, status)
    }
}

extension JobQueue.Failure {
    var apiError: APIError {
        switch self {
        case .conflict(let id):
            APIError.conflict("deployment \(id) exists with a different request")
        case .notFound(let id):
            APIError.notFound("deployment \(id) not found")
        case .alreadyFinished(let id, let state):
            APIError.conflict("deployment \(id) already finished (\(state.rawValue))")
        case .draining:
            APIError(.serviceUnavailable, "provisioner is shutting down; send the deployment to another instance")
        }
    }
}
