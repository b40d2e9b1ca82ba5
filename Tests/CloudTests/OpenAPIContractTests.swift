import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TestSupport
import Testing

@testable import cloud

/// The OpenAPI document served at /api/openapi.json describes every route the cloud server serves.
@Suite("Cloud server OpenAPI contract")
struct CloudOpenAPIContractTests {
    @Test("every route is in the OpenAPI document, with its method")
    func everyRouteDescribed() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let store = try await SQLStore(sqlite: "\(scratch)/cloud.db")
        let pool = ProvisionerPool(urls: [])
        let supervisor = Supervisor(store: store, pool: pool, configuration: .init(), logger: Logger(label: "test"))
        let router = try CloudServer.router(fleet: Fleet(supervisor: supervisor), apiTokens: nil)

        let document = try OpenAPIDocument(PackageResources.openapi_json)
        let routes = router.routes.map { "\($0.method.rawValue.lowercased()) \($0.path)" }
        #expect(!routes.isEmpty)
        for route in routes { #expect(document.operations.contains(route), "\(route) is not in openapi.json") }
        #expect(Set(routes) == document.operations, "openapi.json describes routes that do not exist")
    }

    @Test("the server serves its document")
    func served() async throws {
        let served = try await InProcessCloud().router.request(.get, "/api/openapi.json")
        #expect(served.status == 200)
        #expect(try OpenAPIDocument(Array(served.body)).operations == OpenAPIDocument(PackageResources.openapi_json).operations)
    }
}
