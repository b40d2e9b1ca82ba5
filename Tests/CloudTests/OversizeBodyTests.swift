import Foundation
import HTTPTypes
import Hummingbird
import TestSupport
import Testing

@testable import cloud

/// What every route answers a body larger than it reads: a refusal, never a server error.
@Suite("Oversize bodies")
struct OversizeBodyTests {
    static let body = Data(repeating: UInt8(ascii: "a"), count: 2 << 20)

    @Test("the sign-in form over its bound is refused with 413")
    func signInForm() async throws {
        let cloud = try await InProcessCloud(apiTokens: DashboardTests.tokens)
        let reply = try await cloud.router.request(.post, "/login", body: Self.body)
        #expect(reply.status == 413)
    }

    @Test("every route of the API and the dashboard answers an oversize body with a 4xx, never a 5xx")
    func everyRoute() async throws {
        let cloud = try await InProcessCloud(apiTokens: DashboardTests.tokens)
        let routes = try CloudServer.router(fleet: Fleet(supervisor: cloud.supervisor), apiTokens: LiveTokens(DashboardTests.tokens)).routes
        #expect(routes.count > 40)
        for route in routes {
            // Any ID will do: the body is refused, or the ID is not found, before anything is written.
            let path = "\(route.path)".replacing(/\{[^}]*\}|:[A-Za-z]+/, with: "x")
            let reply = try await cloud.router.request(route.method, path, body: Self.body, token: DashboardTests.admin)
            #expect(reply.status < 500, "\(route.method) \(route.path): \(reply.status)")
        }
    }
}
