import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// How the cloud server's API handles requests, through its own router in-process: refusals that
/// name the field, conflicts, and requests racing each other. No process adds anything here; what
/// needs a provisioner's catalog (an unknown service) is tested end to end.
@Suite("Request handling")
struct RequestHandlingTests {
    let cloud: InProcessCloud

    init() async throws {
        cloud = try await InProcessCloud()
    }

    func send(_ method: HTTPRequest.Method, _ path: String, _ body: JSONValue? = nil) async throws -> ServerProcess.Reply {
        try await cloud.router.request(method, path, body: try body.map { try WireJSON.encoder().encode($0) })
    }

    func register(_ name: String) async throws -> Cluster {
        try await send(.post, "/api/clusters", ["Name": .string(name), "Kubeconfig": .string(KubeconfigSamples.make())]).decode(Cluster.self)
    }

    @Test("bad requests are 4xx with the field named, and change nothing")
    func badInput() async throws {
        let cluster = try await register("local")

        let invalidKubeconfig = try await send(.post, "/api/clusters", ["Name": "x", "Kubeconfig": "nope"])
        #expect(invalidKubeconfig.status == 400 && invalidKubeconfig.error?.field == "Kubeconfig")
        let duplicate = try await send(.post, "/api/clusters", ["Name": "local", "Kubeconfig": .string(KubeconfigSamples.make())])
        #expect(duplicate.status == 409)
        let unknownCluster = try await send(.post, "/api/deployments", ["ClusterID": "nope", "Service": "nginx", "Action": "apply"])
        #expect(unknownCluster.status == 400 && unknownCluster.error?.field == "ClusterID")
        let badService = try await send(.post, "/api/deployments", ["ClusterID": .string(cluster.id), "Service": "Not A Name", "Action": "apply"])
        #expect(badService.status == 400 && badService.error?.field == "Service")
        let badVersion = try await send(.post, "/api/cluster/\(cluster.id)/provision", ["utility-versions": ["nginx": ["Chart": "latest"]]])
        #expect(badVersion.status == 400 && badVersion.error?.field == "utility-versions.nginx.Chart")
        let nullVersions = try await send(.post, "/api/cluster/\(cluster.id)/provision", ["utility-versions": .null])
        #expect(nullVersions.status == 400 && nullVersions.error?.field == "utility-versions")
        let malformed = try await cloud.router.request(.post, "/api/deployments", body: Data("{".utf8))
        #expect(malformed.status == 400)
        let oversized = try await cloud.router.request(.post, "/api/clusters", body: Data(String(repeating: " ", count: 2 << 20).utf8))
        #expect(oversized.status == 413)
        #expect(try await send(.get, "/api/cluster/nope").status == 404)
        #expect(try await send(.get, "/api/deployments?state=bogus").error?.field == "state")
        #expect(try await send(.get, "/api/clusters?page=9223372036854775807").error?.field == "page")
        #expect(try await send(.get, "/api/deployments?page=9223372036854775807&per_page=1000").error?.field == "page")

        #expect(try await send(.get, "/api/deployments").decode([Deployment].self).isEmpty)
        #expect(try await send(.get, "/api/clusters").decode([Cluster].self).count == 1)
    }

    @Test("a cluster with work in flight cannot be deleted; once it has ended, it can")
    func deleteBusyCluster() async throws {
        let cluster = try await register("busy")
        let deployment = try await send(.post, "/api/deployments", ["ClusterID": .string(cluster.id), "Service": "nginx", "Action": "apply"])
            .decode(Deployment.self)

        let refused = try await send(.delete, "/api/cluster/\(cluster.id)")
        #expect(refused.status == 409 && refused.text.contains("in flight"))
        // Not yet dispatched (no provisioner here): cancelled at once.
        #expect(try await send(.delete, "/api/deployment/\(deployment.id)").decode(Deployment.self).state == .cancelled)
        #expect(try await send(.delete, "/api/cluster/\(cluster.id)").status == 204)
        #expect(try await send(.get, "/api/cluster/\(cluster.id)").status == 404)
    }

    @Test("parallel registrations all land, and a name is taken exactly once")
    func parallelRequests() async throws {
        let kubeconfig = KubeconfigSamples.make()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<30 {
                group.addTask {
                    let name = index < 20 ? "cluster-\(index)" : "contested"
                    return try await send(.post, "/api/clusters", ["Name": .string(name), "Kubeconfig": .string(kubeconfig)]).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }

        #expect(statuses.filter { $0 == 200 }.count == 21)
        #expect(statuses.filter { $0 == 409 }.count == 9)
        #expect(try await send(.get, "/api/clusters").decode([Cluster].self).count == 21)
    }
}
