import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The deployment API through the cloud server's own router, in-process (the same setup as the
/// rollout API's tests): reading deployments and retrying failed ones.
@Suite("Deployment API")
struct DeploymentRoutesTests {
    let api: RolloutRoutesTests

    init() async throws {
        api = try await RolloutRoutesTests()
    }

    /// An apply of prometheus with values and a timeout, as the API creates it.
    private static func prometheus(on cluster: Cluster, chart: ChartRequest) -> Deployment {
        Deployment.requested(
            clusterID: cluster.id,
            service: "prometheus",
            spec: DeploymentSpec(action: .apply, chart: chart, values: ["a": 1]),
            timeoutSeconds: 30,
            now: 1
        )
    }

    @Test("a failed or cancelled deployment is retried as a new one linked to it; others are refused")
    func retryEndpoint() async throws {
        let cluster = try await api.register(1)[0]
        var failed = Self.prometheus(on: cluster, chart: ChartRequest(version: "25.19.0"))
        failed.state = .failed
        failed.test = true
        var running = failed
        running.id = ID.make()
        running.state = .running
        try await api.store.createDeployments([failed, running], desiredVersions: nil)

        let reply = try await api.router.request(.post, "/api/deployment/\(failed.id)/retry")
        #expect(reply.status == 202)
        let retried = try reply.decode(Deployment.self)
        #expect(retried.retryOf == failed.id && retried.state == .requested && retried.id != failed.id)
        #expect(retried.chart == failed.chart && retried.values == failed.values && retried.test == true && retried.timeoutSeconds == 30)
        #expect(try await api.router.request(.post, "/api/deployment/\(running.id)/retry").status == 409)
        #expect(try await api.router.request(.post, "/api/deployment/nope/retry").status == 404)
        let badRetries = try await api.router.post(
            "/api/deployments",
            json: ["ClusterID": .string(cluster.id), "Service": "prometheus", "Action": "apply", "Retries": 11] as JSONValue
        )
        #expect(badRetries.status == 400 && badRetries.error?.field == "Retries")
    }

    @Test("a deployment is answered as stored; once finished and read, it is answered from memory")
    func readsFinishedOnce() async throws {
        let cluster = try await api.register(1)[0]
        let deployment = Self.prometheus(
            on: cluster,
            chart: ChartRequest(version: "25.19.0", repository: "https://prometheus-community.github.io/helm-charts")
        )
        try await api.store.createDeployments([deployment], desiredVersions: nil)
        let stored = try #require(try await api.store.deploymentDocument(deployment.id))
        let first = try await api.router.request(.get, "/api/deployment/\(deployment.id)")
        #expect(first.text == stored.json && !first.text.contains(#"\/"#))
        #expect(try first.decode(Deployment.self) == deployment)

        // Unfinished: each read goes to the store and sees its changes.
        try await api.store.updateDeployment(deployment.id, audit: nil) { $0.state = .running }
        #expect(try await api.router.request(.get, "/api/deployment/\(deployment.id)").decode(Deployment.self).state == .running)
        try await api.store.updateDeployment(deployment.id, audit: nil) { $0.state = .succeeded }
        #expect(try await api.router.request(.get, "/api/deployment/\(deployment.id)").decode(Deployment.self).state == .succeeded)

        // Finished: the lifecycle never changes it again, so a write behind its back (which only a
        // test makes) is not seen.
        try await api.store.updateDeployment(deployment.id, audit: nil) { $0.error = "written behind the lifecycle's back" }
        #expect(try await api.router.request(.get, "/api/deployment/\(deployment.id)").decode(Deployment.self).error == nil)
        #expect(try await api.router.request(.get, "/api/deployment/nope").status == 404)
    }
}
