import FleetAPI
import Foundation
import Hummingbird
import ServerSupport

/// Deployments: create, list, get, cancel; and the provisioners that run them.
struct DeploymentRoutes: Sendable {
    let fleet: Fleet
    let finished: FinishedDeployments
    /// What each role reads of the values.
    let values: ValuesView

    func add(to router: Router<CloudRequestContext>) {
        router.post("/api/deployments", use: create)
        router.get("/api/deployments", use: list)
        router.get("/api/deployment/:id", use: get)
        router.delete("/api/deployment/:id", use: cancel)
        router.post("/api/deployment/:id/retry", use: retry)
        router.get("/api/provisioners", use: provisioners)
    }

    struct CreateRequest: Decodable {
        var clusterID: String
        var service: ServiceName
        var action: DeploymentAction
        var chart: ChartRequest?
        var values: JSONValue?
        var valuesFrom: [ValueReference]?
        var timeoutSeconds: Int?
        var test: Bool?
        var retries: Int?
        var retryBackoffSeconds: Int?

        var spec: DeploymentSpec { DeploymentSpec(action: action, chart: chart, values: values, valuesFrom: valuesFrom, test: test) }
    }

    @Sendable func create(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let body = try await JSONRequest.decode(CreateRequest.self, from: request)
        guard try await fleet.store.cluster(body.clusterID) != nil else {
            throw APIError.badRequest("cluster \(body.clusterID) not found", field: "ClusterID")
        }
        try await fleet.services.validate(body.service, field: "Service")
        try DeploymentFieldRules.validate(chart: body.chart, values: body.values, timeoutSeconds: body.timeoutSeconds)
        try DeploymentFieldRules.validate(test: body.test, action: body.action)
        try DeploymentFieldRules.validate(valuesFrom: body.valuesFrom, values: body.values)
        let work = Fleet.Work(
            clusterID: body.clusterID,
            service: body.service,
            spec: body.spec,
            timeoutSeconds: body.timeoutSeconds,
            retry: try RetryPolicy.validated(retries: body.retries, backoffSeconds: body.retryBackoffSeconds)
        )
        return try JSONResponse.make(.accepted, try await fleet.start([work], audit: context.audit)[0])
    }

    @Sendable func list(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = DeploymentFilter(cluster: query.get("cluster"), service: query.get("service").map { ServiceName(String($0)) })
        if let state = query.get("state") {
            guard let parsed = CloudDeploymentState(rawValue: state) else {
                throw APIError.badRequest("unknown state \"\(state)\"", field: "state")
            }
            filter.state = parsed
        }
        filter.actions = try Self.actions(query.get("action"))
        let paging = try Paging(request)
        var deployments = try await fleet.store.deployments(filter, page: paging.page, perPage: paging.perPage)
        if values.showsSecrets(to: context.caller.role) {
            try await values.recordRead(of: deployments.filter { values.secrets.holdsSecrets($0.values) }.map(\.id), context)
        } else {
            for index in deployments.indices { deployments[index].values = values.values(deployments[index].values, for: context.caller.role) }
        }
        return try JSONResponse.make(.ok, deployments)
    }

    /// `action=`: a comma-separated list of actions, or `all`; without it, plans and checks are left out.
    static func actions(_ text: String?) throws -> DeploymentFilter.Actions {
        guard let text else { return .changes }
        if text == "all" { return .all }
        var actions: [DeploymentAction] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let action = DeploymentAction(rawValue: String(name)) else {
                let known = DeploymentAction.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.badRequest("unknown action \"\(name.prefix(64))\" (known: \(known), or all)", field: "action")
            }
            if !actions.contains(action) { actions.append(action) }
        }
        return .only(actions)
    }

    @Sendable func get(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let json: ByteBuffer
        if let remembered = finished.json(of: id) {
            json = remembered
        } else {
            guard let document = try await fleet.store.deploymentDocument(id) else { throw APIError.notFound("deployment \(id) not found") }
            // Stored as the API encodes it, so it is answered as it is, unparsed, unless it holds secrets.
            json = ByteBuffer(string: document.json)
            if document.state.isFinal { finished.remember(json, of: id) }
        }
        guard String(buffer: json).contains(#""Values":"#) else { return JSONResponse.make(.ok, json: json) }
        var deployment = try WireJSON.decoder().decode(Deployment.self, from: Data(json.readableBytesView))
        guard values.secrets.holdsSecrets(deployment.values) else { return JSONResponse.make(.ok, json: json) }
        if values.showsSecrets(to: context.caller.role) {
            try await values.recordRead(of: [id], context)
            return JSONResponse.make(.ok, json: json)
        }
        deployment.values = values.values(deployment.values, for: context.caller.role)
        return try JSONResponse.make(.ok, deployment)
    }

    /// Not yet dispatched: cancelled at once. Held by a provisioner: `cancel-requested`, and the
    /// supervisor forwards it. Finished: 409 (`DeploymentLifecycle` decides).
    @Sendable func cancel(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try JSONResponse.make(.ok, try await fleet.cancel(deployment: try context.parameters.require("id"), audit: context.audit))
    }

    /// A new deployment with the same request as a failed or cancelled one, linked to it (`RetryOf`).
    @Sendable func retry(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try JSONResponse.make(.accepted, try await fleet.retry(deployment: try context.parameters.require("id"), audit: context.audit))
    }

    @Sendable func provisioners(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try JSONResponse.make(.ok, try await fleet.provisionerInstances())
    }
}
