import FleetAPI
import Foundation
import Hummingbird
import ServerSupport

/// Clusters: register, list, get, delete, their utilities, and provisioning them.
struct ClusterRoutes: Sendable {
    let fleet: Fleet
    var kubeconfigPolicy = KubeconfigPolicy.dataOnly

    func add(to router: Router<CloudRequestContext>) {
        router.post("/api/clusters", use: register)
        router.get("/api/clusters", use: list)
        router.get("/api/cluster/:id", use: get)
        router.delete("/api/cluster/:id", use: delete)
        router.get("/api/cluster/:id/utilities", use: utilities)
        router.post("/api/cluster/:id/provision", use: provision)
        router.post("/api/cluster/:id/labels", use: relabel)
    }

    struct RegisterRequest: Decodable {
        var name: String
        var kubeconfig: String?
        var kubeconfigSource: KubeconfigSource?
        var dns: DNSConfig?
        var labels: [String]?
    }

    @Sendable func register(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let body = try await JSONRequest.decode(RegisterRequest.self, from: request)
        guard body.name.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._-]{0,62}/) != nil else {
            throw APIError.badRequest("Name must be 1 to 63 letters, digits, '.', '_' or '-'", field: "Name")
        }
        let kubeconfig: ClusterKubeconfig
        switch (body.kubeconfig, body.kubeconfigSource) {
        case (let text?, nil):
            do {
                _ = try Kubeconfig(parsing: text, policy: kubeconfigPolicy)
            } catch {
                throw APIError.badRequest(error.reason, field: "Kubeconfig")
            }
            kubeconfig = .inline(text)
        case (nil, let source?):
            try source.validate()
            kubeconfig = .source(source)
        default:
            throw APIError.badRequest("give either Kubeconfig or KubeconfigSource", field: "Kubeconfig")
        }
        let cluster = try await fleet.register(
            name: body.name,
            kubeconfig: kubeconfig,
            dns: body.dns,
            labels: try ClusterLabels.validated(body.labels ?? [], field: "Labels"),
            audit: context.audit
        )
        return try JSONResponse.make(.ok, cluster)
    }

    struct RelabelRequest: Decodable {
        /// Labels to add or change, by key.
        var set: [String: String]?
        /// Keys to take away.
        var remove: [String]?
    }

    /// Sets and removes labels; the cluster with its new labels. Profiles match it again.
    @Sendable func relabel(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let body = try await JSONRequest.decode(RelabelRequest.self, from: request)
        let set = body.set ?? [:]
        _ = try ClusterLabels.validated(set.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }, field: "Set")
        if let overlap = set.keys.first(where: { (body.remove ?? []).contains($0) }) {
            throw APIError.badRequest("\(overlap) is both set and removed", field: "Remove")
        }
        return try JSONResponse.make(.ok, try await fleet.relabel(id, set: set, remove: body.remove ?? [], audit: context.audit))
    }

    @Sendable func list(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let paging = try Paging(request)
        if let name = request.uri.queryParameters.get("name") {
            // One or none: names are unique, so there is no page beyond the first.
            let found = paging.page == 0 ? try await fleet.store.cluster(named: name) : nil
            return try JSONResponse.make(.ok, found.map { [$0] } ?? [])
        }
        let clusters = try await fleet.store.clusters(
            label: request.uri.queryParameters.get("label"),
            page: paging.page,
            perPage: paging.perPage
        )
        return try JSONResponse.make(.ok, clusters)
    }

    @Sendable func get(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try JSONResponse.make(.ok, try await cluster(context))
    }

    @Sendable func delete(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try await fleet.deleteCluster(try context.parameters.require("id"), audit: context.audit)
        return Response(status: .noContent)
    }

    @Sendable func utilities(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try JSONResponse.make(.ok, try await cluster(context).utilities)
    }

    struct ProvisionRequest: Decodable {
        var utilityVersions: [String: Utility]?
        enum CodingKeys: String, CodingKey { case utilityVersions = "utility-versions" }

        /// Absent changes nothing; `null` is no object, so it is refused (as the schema says), not
        /// read as absent.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if container.contains(.utilityVersions), try container.decodeNil(forKey: .utilityVersions) {
                throw DecodingError.valueNotFound(
                    [String: Utility].self,
                    .init(codingPath: [CodingKeys.utilityVersions], debugDescription: "utility-versions is null")
                )
            }
            utilityVersions = try container.decodeIfPresent([String: Utility].self, forKey: .utilityVersions)
        }

        /// The Go tool's HelmUtilityVersion, and the values to deploy it with.
        struct Utility: Decodable {
            var version: UtilityVersion
            var values: JSONValue?

            enum CodingKeys: String, CodingKey { case values }

            init(from decoder: any Decoder) throws {
                version = try UtilityVersion(from: decoder)
                values = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(JSONValue.self, forKey: .values)
            }
        }
    }

    /// Sets desired versions and starts a deployment of each utility not already at its version
    /// (`Fleet.provision`).
    @Sendable func provision(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let cluster = try await cluster(context)
        let body = try await JSONRequest.decode(ProvisionRequest.self, from: request)
        var wanted: [ServiceName: Fleet.WantedUtility] = [:]
        for (name, utility) in body.utilityVersions ?? [:] {
            try await fleet.services.validate(ServiceName(name), field: "utility-versions.\(name)")
            guard ChartVersion.isValid(utility.version.chart) else {
                throw APIError.badRequest("\"\(utility.version.chart)\" is not a chart version", field: "utility-versions.\(name).Chart")
            }
            if let values = utility.values, values.objectValue == nil {
                throw APIError.badRequest("Values must be a JSON object", field: "utility-versions.\(name).Values")
            }
            wanted[ServiceName(name)] = Fleet.WantedUtility(version: utility.version, values: utility.values)
        }
        return try JSONResponse.make(.accepted, try await fleet.provision(cluster, wanted, audit: context.audit))
    }

    private func cluster(_ context: CloudRequestContext) async throws -> Cluster {
        let id = try context.parameters.require("id")
        guard let cluster = try await fleet.store.cluster(id) else { throw APIError.notFound("cluster \(id) not found") }
        return cluster
    }
}

/// `page` and `per_page` query parameters, as the Go tool's API.
struct Paging {
    var page: Int
    var perPage: Int

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        // Bounded so that page * per_page can never overflow.
        guard let page = Int(query.get("page") ?? "0"), (0...1_000_000).contains(page) else {
            throw APIError.badRequest("page must be a number from 0 to 1000000", field: "page")
        }
        guard let perPage = Int(query.get("per_page") ?? "100"), (1...1000).contains(perPage) else {
            throw APIError.badRequest("per_page must be between 1 and 1000", field: "per_page")
        }
        self.page = page
        self.perPage = perPage
    }
}
