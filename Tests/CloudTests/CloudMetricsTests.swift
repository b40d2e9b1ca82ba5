import FleetAPI
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

    @Test("the fleet's gauges are read from the store at a scrape: clusters, deployments not yet ended by service and state, rollouts by state")
    func fleetGauges() async throws {
        let cloud = try await InProcessCloud()
        for name in ["edge", "core"] {
            _ = try await cloud.router.post(
                "/api/clusters",
                json: ["Name": .string(name), "Kubeconfig": .string(KubeconfigSamples.make())] as JSONValue
            )
        }
        let cluster = try await cloud.router.request(.get, "/api/clusters").decode([Cluster].self)[0].id
        for service in ["fluentbit", "fluentbit", "prometheus"] {
            let body: JSONValue = ["ClusterID": .string(cluster), "Service": .string(service), "Action": "apply"]
            #expect(try await cloud.router.post("/api/deployments", json: body).status == 202)
        }

        let text = try await cloud.router.request(.get, "/metrics").text

        #expect(text.contains("cloud_clusters 2"), "\(text)")
        #expect(text.contains(#"cloud_deployments{service="fluentbit",state="requested"} 2"#))
        #expect(text.contains(#"cloud_deployments{service="prometheus",state="requested"} 1"#))
        #expect(text.contains(#"cloud_rollouts{state="running"} 0"#))
        #expect(text.contains(#"cloud_webhook_deliveries{state="pending"} 0"#))
        #expect(!text.contains(cluster), "no cluster IDs in labels")
    }

    @Test("ended deployments carry no cluster label unless cluster labels are asked for")
    func clusterLabels() async throws {
        var deployment = Deployment.requested(
            clusterID: "edge1",
            service: "fluentbit",
            spec: DeploymentSpec(action: .apply),
            timeoutSeconds: nil,
            now: 1000
        )
        (deployment.state, deployment.endAt) = (.succeeded, 61_000)
        let plain = ServerMetrics(help: FleetMetrics.help)
        let labelled = ServerMetrics(help: FleetMetrics.help)

        FleetMetrics(metrics: plain).ended(deployment)
        FleetMetrics(metrics: labelled, clusterLabels: true).ended(deployment)

        let without = String(decoding: plain.exposition(), as: UTF8.self)
        let with = String(decoding: labelled.exposition(), as: UTF8.self)
        #expect(without.contains(#"cloud_deployments_ended_total{service="fluentbit",state="succeeded"} 1"#) && !without.contains("edge1"))
        #expect(with.contains(#"cloud_deployments_ended_total{cluster="edge1",service="fluentbit",state="succeeded"} 1"#), "\(with)")
        #expect(with.contains(#"cloud_deployment_duration_seconds_sum{cluster="edge1",outcome="succeeded",service="fluentbit"} 60.0"#))
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
