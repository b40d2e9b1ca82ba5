import FleetAPI
import Hummingbird
import ServerSupport

/// What this provisioner can deploy: the services, and each one's chart versions.
struct ServiceRoutes: Sendable {
    let catalog: ServiceCatalog
    let deployers: [DeploymentStrategy.Kind: any Deployer]

    func add(to router: Router<BasicRequestContext>) {
        router.get("/api/services", use: services)
        router.get("/api/service/:name/versions", use: versions)
    }

    @Sendable func services(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let order = catalog.order
        return try JSONResponse.make(.ok, catalog.all.map { ServiceDescription($0, order: order.firstIndex(of: $0.name) ?? order.count) })
    }

    /// `?refresh=true` reads the chart repository's index again first (at most once a minute), for a
    /// version published since.
    @Sendable func versions(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let refresh = request.uri.queryParameters.get("refresh")
        guard refresh == nil || refresh == "true" || refresh == "false" else {
            throw APIError.badRequest("refresh must be true or false", field: "refresh")
        }
        guard let service = catalog[ServiceName(name)], let deployer = deployers[service.strategy.kind] else {
            throw APIError.notFound("service \(name) not found; known services: \(catalog.names.map(\.rawValue).joined(separator: ", "))")
        }
        let versions: ChartVersions
        do {
            versions = try await deployer.versions(of: service, refresh: refresh == "true")
        } catch {
            throw APIError(.badGateway, "the chart versions of \(name) cannot be read: \(error.message)")
        }
        return try JSONResponse.make(.ok, versions)
    }
}
