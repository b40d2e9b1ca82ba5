import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import provisioner

/// The provisioner's series as a scraper reads them from `/metrics`.
@Suite("Provisioner metrics")
struct ProvisionerMetricsTests {
    static func finished(_ state: DeploymentState, seconds: Int64) -> DeploymentStatus {
        DeploymentStatus(
            id: "d1",
            clusterID: "c1",
            service: "nginx",
            action: .apply,
            chart: ChartRequest(version: "4.15.1"),
            state: state,
            createAt: 1_000,
            startAt: 1_000,
            endAt: 1_000 + seconds * 1000
        )
    }

    @Test("a failed deployment counts as finished and as a helm failure, its duration in the deployment buckets")
    func failedDeployment() {
        let metrics = ServerMetrics()
        let provisioner = ProvisionerMetrics(metrics: metrics)
        provisioner.finished(Self.finished(.failed, seconds: 90))

        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"provisioner_deployments_finished_total{action="apply",service="nginx",state="failed"} 1"#))
        #expect(text.contains(#"provisioner_helm_failures_total{service="nginx"} 1"#))
        #expect(text.contains(#"provisioner_deployment_duration_seconds_bucket{action="apply",service="nginx",le="60.0"} 0"#))
        #expect(text.contains(#"provisioner_deployment_duration_seconds_bucket{action="apply",service="nginx",le="120.0"} 1"#))
        #expect(text.contains(#"provisioner_deployment_duration_seconds_sum{action="apply",service="nginx"} 90.0"#))
    }

    @Test("the queue gauges read 0 before anything was queued")
    func idleGauges() {
        let metrics = ServerMetrics()
        _ = ProvisionerMetrics(metrics: metrics)

        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains("provisioner_queue_depth 0"))
        #expect(text.contains("provisioner_deployments_in_flight 0"))
    }

    @Test("/metrics counts each request by route template, method and status")
    func requestsByRoute() async throws {
        let provisioner = try await InProcessProvisioner.start()
        defer { provisioner.stop() }

        _ = try await provisioner.server.request(.get, "/api/deployment/unknown-1")
        _ = try await provisioner.server.request(.get, "/api/deployment/unknown-2")
        _ = try await provisioner.server.request(.get, "/healthz")
        let text = try await provisioner.server.request(.get, "/metrics").text

        let unknownDeployment = #"{http_route="/api/deployment/{id}",http_request_method="GET",http_response_status_code="404"}"#
        let healthz = #"{http_route="/healthz",http_request_method="GET",http_response_status_code="200"}"#
        #expect(text.contains("http_server_requests_total\(unknownDeployment) 2"))
        #expect(text.contains("http_server_requests_total\(healthz) 1"))
        #expect(text.contains("http_server_request_duration_seconds_count\(healthz) 1"))
    }
}

/// The running binary records per-route series into the registry it serves.
@Suite("Provisioner metrics in the running server", .tags(.integration), .skippedInFastRuns)
struct ProvisionerProcessMetricsTests {
    @Test("the provisioner process counts the requests it answered, by route")
    func processCountsRequests() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let server = try await ServerProcess.provisioner(scratch: scratch)
        defer { server.stop() }

        #expect(try await server.request("GET", "/healthz").status == 200)
        let text = try await server.metrics(
            containing: #"http_server_requests_total{http_route="/healthz",http_request_method="GET",http_response_status_code="200"} 1"#
        )
        #expect(text.contains("provisioner_deployments_in_flight 0"))
    }
}
