import FleetAPI
import Foundation
import HTTPTypes
import Logging
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The rollout API through the cloud server's own router, in-process, with no provisioner: what
/// is refused (and which field is named), what is created, and the controls' answers. The
/// supervisor is not running, so a rollout stays as the API left it.
@Suite("Rollout API")
struct RolloutRoutesTests {
    let store: SQLStore
    let supervisor: Supervisor
    let router: InProcessRouter<CloudRequestContext>

    /// - Parameter analysis: where rollout analyses may read metrics.
    init(analysis: MetricsReader.Configuration = .init()) async throws {
        store = try await SQLStore(sqlite: "\(try Testbed.makeScratchDirectory())/cloud.db")
        let pool = ProvisionerPool(urls: [])
        supervisor = Supervisor(store: store, pool: pool, configuration: .init(analysis: analysis), logger: Logger(label: "test"))
        router = try InProcessRouter(CloudServer.router(fleet: Fleet(supervisor: supervisor), apiTokens: nil))
    }

    /// Clusters c0...c(n-1), the even ones labelled env=prod, the odd ones env=dev.
    func register(_ count: Int) async throws -> [Cluster] {
        var clusters: [Cluster] = []
        for index in 0..<count {
            let body: JSONValue = [
                "Name": .string("c\(index)"), "Kubeconfig": .string(KubeconfigSamples.make()),
                "Labels": [.string(index.isMultiple(of: 2) ? "env=prod" : "env=dev"), "team=sre"],
            ]
            clusters.append(try await router.post("/api/clusters", json: body).decode(Cluster.self))
        }
        return clusters
    }

    func create(_ body: JSONValue) async throws -> ServerProcess.Reply {
        try await router.post("/api/rollouts", json: body)
    }

    static let base: [String: JSONValue] = ["Service": "prometheus", "Chart": ["Version": "25.19.0"], "All": true]

    func body(_ changes: [String: JSONValue]) -> JSONValue {
        .object(Self.base.merging(changes) { $1 })
    }

    @Test("a rollout over a selector fixes its targets and waves at creation, in registration order")
    func createdWithSelector() async throws {
        let clusters = try await register(8)
        let reply = try await create(body(["All": .null, "Selector": ["env": "prod", "team": "sre"], "Canary": 1, "BatchSize": "50%"]))
        #expect(reply.status == 201, "\(reply.text)")
        let view = try reply.decode(RolloutPrinter.View.self)
        let prod = [0, 2, 4, 6].map { clusters[$0].id }
        #expect(view.rollout.waves == [[prod[0]], [prod[1], prod[2]], [prod[3]]])
        #expect(view.rollout.selection == "selector env=prod,team=sre")
        #expect(view.rollout.state == .running && view.currentWave == 0 && view.waveCount == 3)
        #expect(view.counts == RolloutReport.Counts(waiting: 4))
        #expect(view.rollout.clusters.map(\.name) == ["c0", "c2", "c4", "c6"])
        // Waves counted from 1 in the API, as everywhere people read them; none started yet.
        #expect(view.rollout.clusters.map(\.wave) == [1, 2, 2, 3])
        #expect(view.rollout.wave == 0 && view.rollout.soaked == 0 && view.rollout.approved == 0)
        #expect(try await store.rollout(view.rollout.id)?.clusters.map(\.wave) == [0, 1, 1, 2], "the store keeps indices")
        let late: JSONValue = ["Name": "late", "Kubeconfig": .string(KubeconfigSamples.make()), "Labels": ["env=prod", "team=sre"]]
        #expect(try await router.post("/api/clusters", json: late).status == 200)
        #expect(try await store.rollout(view.rollout.id)?.clusters.count == 4, "clusters registered later are not added")
    }

    @Test(
        "bad input is refused with 400 naming the field",
        arguments: [
            (["Service": "no such svc"], "Service"),
            (["Chart": .null], "Chart.Version"),
            (["Chart": ["Version": "not a version"]], "Chart.Version"),
            (["All": .null], "Selector"),
            (["Clusters": ["missing"], "All": .null], "Clusters"),
            (["Selector": ["env": "nowhere"], "All": .null], "Selector"),
            (["BatchSize": "0"], "BatchSize"),
            (["BatchSize": "101%"], "BatchSize"),
            (["MaxFailures": "-1"], "MaxFailures"),
            (["SoakSeconds": -5], "SoakSeconds"),
            (["TimeoutSeconds": 0], "TimeoutSeconds"),
            (["Approval": "sometimes"], "Approval"),
            (["Approval": "after-canary"], "Approval"),
            (["Canary": 2], "Canary"),
            (["CanaryClusters": ["elsewhere"]], "CanaryClusters"),
            (["Values": "not an object"], "Values"),
            (["Action": "verify"], "Action"),
            (["Retries": -1], "Retries"),
            (["Retries": 2, "RetryBackoffSeconds": 0], "RetryBackoffSeconds"),
            (["Action": "delete", "Chart": .null, "Test": true], "Test"),
        ] as [([String: JSONValue], String)]
    )
    func badInput(_ changes: [String: JSONValue], field: String) async throws {
        _ = try await register(2)
        let reply = try await create(body(changes))
        #expect(reply.status == 400)
        #expect(reply.error?.field == field, "\(String(decoding: reply.body, as: UTF8.self))")
    }

    @Test("a second active rollout of the same service on a shared cluster is refused with 409 naming the first")
    func overlapRefused() async throws {
        let clusters = try await register(3)
        let first = try await create(body([:])).decode(RolloutPrinter.View.self).rollout
        let second = try await create(body(["All": .null, "Clusters": [.string(clusters[1].id)]]))
        #expect(second.status == 409)
        #expect(second.error?.error.contains(first.id) == true)
        #expect(
            try await create(body(["Service": "fluentbit", "Chart": ["Version": "0.40.0"]])).status == 201,
            "another service may roll out alongside"
        )
        _ = try await router.request(.post, "/api/rollout/\(first.id)/cancel")
        #expect(try await create(body([:])).status == 201, "once the first is over, the clusters are free")
    }

    @Test("a plan of a delete is refused naming Action; a plan of an apply makes one plan deployment per cluster, wave by wave")
    func planRequests() async throws {
        let clusters = try await register(3)
        let delete = try await router.post("/api/rollouts/plan", json: body(["Action": "delete", "Chart": .null]))
        #expect(delete.status == 400 && delete.error?.field == "Action")
        let reply = try await router.post("/api/rollouts/plan", json: body(["Canary": 1]))
        #expect(reply.status == 202)
        let entries = try reply.decode([RolloutPlanEntry].self)
        #expect(entries.map(\.clusterID) == clusters.map(\.id) && entries.map(\.wave) == [1, 2, 3])
        for entry in entries { #expect(try await store.deployment(entry.deploymentID)?.action == .plan) }
        #expect(try await store.unfinishedRollouts().isEmpty)
    }

    @Test("deployment listings leave a rollout's plans out unless asked for by action; an unknown action is 400 naming it")
    func plansListedWhenAsked() async throws {
        _ = try await register(2)
        _ = try await router.post("/api/rollouts/plan", json: body([:]))
        #expect(try await router.request(.get, "/api/deployments").decode([Deployment].self).isEmpty)
        #expect(try await router.request(.get, "/api/deployments?action=plan").decode([Deployment].self).count == 2)
        #expect(try await router.request(.get, "/api/deployments?action=apply,plan").decode([Deployment].self).count == 2)
        #expect(try await router.request(.get, "/api/deployments?action=all").decode([Deployment].self).count == 2)
        let unknown = try await router.request(.get, "/api/deployments?action=plan,deploy")
        #expect(unknown.status == 400 && unknown.error?.field == "action")
    }

    @Test("a cluster is found by its name; no cluster has a name nobody registered")
    func clusterByName() async throws {
        let clusters = try await register(2)
        #expect(try await router.request(.get, "/api/clusters?name=c1").decode([Cluster].self).map(\.id) == [clusters[1].id])
        #expect(try await router.request(.get, "/api/clusters?name=c9").decode([Cluster].self).isEmpty)
    }

    @Test("controls that do not apply now are refused with 409; unknown rollouts are 404")
    func controlsRefused() async throws {
        _ = try await register(2)
        let rollout = try await create(body([:])).decode(RolloutPrinter.View.self).rollout
        #expect(try await router.request(.post, "/api/rollout/\(rollout.id)/approve").status == 409)
        #expect(try await router.request(.post, "/api/rollout/\(rollout.id)/resume").status == 409)
        #expect(try await router.request(.post, "/api/rollout/\(rollout.id)/undo").status == 409)
        let paused = try await router.request(.post, "/api/rollout/\(rollout.id)/pause")
        #expect(try paused.decode(RolloutPrinter.View.self).rollout.state == .paused)
        let resume = try await router.request(.post, "/api/rollout/\(rollout.id)/resume", body: Data(#"{"MaxFailures": "lots"}"#.utf8))
        #expect(resume.status == 400 && resume.error?.field == "MaxFailures")
        #expect(try await router.request(.post, "/api/rollout/nope/pause").status == 404)
        #expect(try await router.request(.get, "/api/rollout/nope").status == 404)
    }

    @Test("rollouts list newest first and filter by state")
    func listing() async throws {
        _ = try await register(2)
        let first = try await create(body([:])).decode(RolloutPrinter.View.self).rollout
        _ = try await router.request(.post, "/api/rollout/\(first.id)/cancel")
        let second = try await create(body([:])).decode(RolloutPrinter.View.self).rollout
        let all = try await router.request(.get, "/api/rollouts").decode([RolloutPrinter.View].self)
        #expect(all.map(\.rollout.id) == [second.id, first.id])
        let cancelled = try await router.request(.get, "/api/rollouts?state=cancelled").decode([RolloutPrinter.View].self)
        #expect(cancelled.map(\.rollout.id) == [first.id])
        #expect(try await router.request(.get, "/api/rollouts?state=sideways").status == 400)
    }
}
