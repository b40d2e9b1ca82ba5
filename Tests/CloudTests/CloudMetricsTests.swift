import Foundation
import HTTPTypes
import Logging
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The cloud server's `/metrics`.
@Suite("Cloud metrics")
struct CloudMetricsTests {
    @Test("/metrics reports the server up and counts each request by route template, method and status")
    func requestsByRoute() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let store = try await SQLStore(sqlite: "\(scratch)/cloud.db")
        let pool = ProvisionerPool(urls: [])
        let supervisor = Supervisor(store: store, pool: pool, configuration: .init(), logger: Logger(label: "test"))
        let metrics = ServerMetrics()
        let router = try CloudServer.router(fleet: Fleet(supervisor: supervisor), apiTokens: nil, metrics: metrics)
        let server = InProcessRouter(router)

        _ = try await server.request(.get, "/api/cluster/unknown")
        let text = try await server.request(.get, "/metrics").text

        #expect(text.contains("cloud_up 1"))
        let unknownCluster = #"{http_route="/api/cluster/{id}",http_request_method="GET",http_response_status_code="404"}"#
        #expect(text.contains("http_server_requests_total\(unknownCluster) 1"))
    }

    @Test("the cloud server process counts the requests it answered, by route", .tags(.integration), .skippedInFastRuns)
    func processCountsRequests() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let server = try await ServerProcess.cloudServer(database: "\(scratch)/cloud.db", provisioners: ["http://127.0.0.1:9"])
        defer { server.stop() }

        #expect(try await server.request("GET", "/healthz").status == 200)
        let text = try await server.metrics(
            containing: #"http_server_requests_total{http_route="/healthz",http_request_method="GET",http_response_status_code="200"} 1"#
        )
        #expect(text.contains("cloud_up 1"))
    }
}
