import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

extension ProfileKeeperTests {
    /// Marks every deployment written so far as ended with `state`.
    func endAll(_ state: CloudDeploymentState = .succeeded) async throws {
        for deployment in try await deployments() where !deployment.state.isFinal {
            try await cloud.store.updateDeployment(deployment.id) { $0.state = state }
        }
    }

    @Test("status says per cluster and service: rolling out, in sync, or failed with the render's error")
    func status() async throws {
        try await apply(Self.document())
        try await register("a", ["env=prod", "loglevel=info"])
        try await register("b", ["env=prod"])
        await keeper.pass()
        let rolling = try await cloud.router.request(.get, "/api/profile/observability/status", token: RoleTokens.viewer).decode(ProfileStatus.self)
        #expect(rolling.counts == ["rolling-out": 3, "failed": 1], "\(rolling)")

        try await endAll()
        let reply = try await cloud.router.request(.get, "/api/profile/observability/status", token: RoleTokens.viewer)
        let status = try reply.decode(ProfileStatus.self)
        #expect(status.revision == 1 && status.counts == ["in-sync": 3, "failed": 1], "\(reply.text)")
        let failed = try #require(status.clusters.first { $0.state == .failed })
        #expect(failed.name == "b" && failed.service == "fluentbit" && failed.detail?.contains("cluster.labels.loglevel is not set") == true)
        #expect(try await cloud.router.request(.get, "/api/profile/nothing/status", token: RoleTokens.viewer).status == 404)
    }

    @Test("a plan shows the changes by cluster and wave, with versions, and changes nothing")
    func plan() async throws {
        for name in ["a", "b"] { try await register(name, ["env=prod", "loglevel=info"]) }
        try await register("c", ["env=dev"])
        try await apply(Self.document())
        await keeper.pass()
        let document = Self.document(prometheus: "25.1.0", extra: "strategy: {batchSize: 1}")
        let reply = try await cloud.router.request(.post, "/api/profiles/plan", body: Data(document.utf8), token: RoleTokens.operatorToken)
        let plan = try reply.decode(ProfilePlan.self)
        #expect(plan.revision == 2 && plan.unchanged == 2, "\(reply.text)")
        #expect(plan.changes.map(\.name) == ["a", "b"] && plan.changes.map(\.wave) == [1, 2])
        #expect(plan.changes.allSatisfy { $0.change == .upgrade && $0.from == "25.0.0" && $0.to == "25.1.0" && !$0.valuesChanged })

        #expect(try await cloud.store.profileRevisions("observability").count == 1)
        #expect(try await cloud.store.rollouts(state: nil, page: 0, perPage: 10).isEmpty)
        let viewer = try await cloud.router.request(.post, "/api/profiles/plan", body: Data(document.utf8), token: RoleTokens.viewer)
        #expect(viewer.status == 403)
        let bad = try await cloud.router.request(
            .post,
            "/api/profiles/plan",
            body: Data("name: x\nselector: 1\n".utf8),
            token: RoleTokens.operatorToken
        )
        #expect(bad.status == 400 && bad.error?.field == "selector", "\(bad.text)")
    }

    @Test("drift correction puts back the profile's render, not what was applied last")
    func driftCorrection() async throws {
        try await apply(Self.document())
        let id = try await register("a", ["env=prod", "loglevel=info"])
        await keeper.pass()
        try await endAll()
        let fleet = Fleet(supervisor: cloud.supervisor)
        let audit = AuditTrail(
            draft: AuditEntry(time: fleet.now(), actor: "someone", role: nil, method: "POST", path: "/api/deployments", targets: [], status: 0)
        )
        let manual = Fleet.Work(
            clusterID: id,
            service: "fluentbit",
            spec: DeploymentSpec(action: .apply, chart: ChartRequest(version: "0.40.0"), values: ["logLevel": "debug"])
        )
        try await fleet.start([manual], audit: audit)
        try await endAll()

        let cluster = try #require(try await cloud.store.cluster(id))
        let correction = try #require(try await fleet.correctDrift(of: cluster, "fluentbit", audit: audit))
        #expect(correction.values == ["logLevel": "info"] && correction.forceConflicts == true)
    }

    @Test("the dashboard's profiles page shows each profile's selector, standing, what it would still change and its revisions")
    func dashboardPage() async throws {
        try await apply(Self.document())
        try await register("a", ["env=prod", "loglevel=info"])
        try await register("b", ["env=prod"])
        await keeper.pass()
        try await endAll()
        let reply = try await cloud.router.request(.get, "/ui/profiles", token: RoleTokens.viewer)
        #expect(reply.status == 200 && reply.headers["content-type"] == "text/html; charset=utf-8")
        let html = reply.text
        #expect(html.contains("observability · revision 1") && html.contains("<code>env=prod</code>: 2 cluster(s) · 3 in-sync · 1 failed"), "\(html)")
        #expect(html.contains("cluster.labels.loglevel is not set for cluster b"))
        #expect(html.contains("Still to change: nothing") && html.contains("<td>1</td><td>op</td>"))
        #expect(html.contains(#"href="/ui/profiles" aria-current="page""#))
    }
}
