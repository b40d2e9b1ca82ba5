import FleetAPI
import Foundation
import HTTPTypes
import Logging
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The keeper's passes on a real store, with the routes that wake it: what work a profile, a
/// registration and a relabelling start. No provisioner runs; the work is read back as written.
@Suite("Profile keeper")
struct ProfileKeeperTests {
    let cloud: InProcessCloud
    let keeper: ProfileKeeper

    init() async throws {
        cloud = try await InProcessCloud(apiTokens: RoleTokens.all)
        keeper = ProfileKeeper(fleet: Fleet(supervisor: cloud.supervisor), interval: .seconds(30), owner: "keeper", logger: Logger(label: "test"))
    }

    static func document(prometheus: String = "25.0.0", extra: String = "") -> String {
        """
        name: observability
        selector: {matchLabels: {env: prod}}
        services:
          fluentbit: {chartVersion: 0.40.0, values: '{logLevel: "{{cluster.labels.loglevel}}"}', dependsOn: [prometheus]}
          prometheus: {chartVersion: \(prometheus)}
        \(extra)
        """
    }

    @discardableResult
    func register(_ name: String, _ labels: [String]) async throws -> String {
        try await cloud.register(name, labels: labels).id
    }

    func apply(_ document: String) async throws {
        let reply = try await cloud.router.request(.put, "/api/profile/observability", body: Data(document.utf8), token: RoleTokens.operatorToken)
        #expect(reply.status == 200, "\(reply.text)")
    }

    func deployments(_ cluster: String? = nil) async throws -> [Deployment] {
        try await cloud.store.deployments(DeploymentFilter(cluster: cluster), page: 0, perPage: 1000).sorted { $0.createAt < $1.createAt }
    }

    @Test("a cluster registered into a profile gets its services at once, in dependency order, as its desired versions")
    func enrolment() async throws {
        try await apply(Self.document())
        let id = try await register("a", ["env=prod", "loglevel=info"])
        try await register("b", ["env=dev"])
        await keeper.pass()

        let made = try await deployments()
        let prometheus = try #require(made.first { $0.service == "prometheus" })
        let fluentbit = try #require(made.first { $0.service == "fluentbit" })
        #expect(made.count == 2 && made.allSatisfy { $0.clusterID == id })
        #expect(fluentbit.dependsOn == prometheus.id && prometheus.dependsOn == nil)
        #expect(fluentbit.values == ["logLevel": "info"] && fluentbit.chart?.version == "0.40.0")
        let cluster = try await cloud.store.cluster(id)
        #expect(cluster?.utilities.desiredVersions == ["prometheus": UtilityVersion(chart: "25.0.0"), "fluentbit": UtilityVersion(chart: "0.40.0")])
        let targets = try await cloud.store.profileTargets()
        #expect(targets.map(\.deploymentID) == [fluentbit.id, prometheus.id])
        #expect(try await cloud.store.auditEntries(AuditQuery()).contains { $0.actor == Fleet.profileActor })

        await keeper.pass()
        #expect(try await deployments().count == 2)
    }

    @Test("a profile change starts one rollout per changed service over the clusters whose render changed, with the profile's strategy")
    func changeRollsOut() async throws {
        for (name, level) in [("a", "info"), ("b", "debug"), ("c", "info")] { try await register(name, ["env=prod", "loglevel=\(level)"]) }
        try await apply(Self.document())
        await keeper.pass()
        try await apply(Self.document(prometheus: "25.1.0", extra: "strategy: {batchSize: 1, canary: 1}"))
        await keeper.pass()

        let rollouts = try await cloud.store.rollouts(state: nil, page: 0, perPage: 10)
        #expect(rollouts.count == 1)
        let rollout = try #require(rollouts.first)
        #expect(rollout.service == "prometheus" && rollout.selection == "profile observability revision 2")
        #expect(rollout.clusters.map(\.name) == ["a", "b", "c"] && rollout.waves.count == 3)
        #expect(rollout.clusters.allSatisfy { $0.target?.chart?.version == "25.1.0" })
        #expect(try await cloud.store.profileTargets().filter { $0.service == "prometheus" }.allSatisfy { $0.rolloutID == rollout.id })

        await keeper.pass()
        #expect(try await cloud.store.rollouts(state: nil, page: 0, perPage: 10).count == 1)
    }

    @Test("a newer revision while the profile's rollout is in flight cancels it and rolls out to every cluster it had not reached")
    func supersedes() async throws {
        for name in ["a", "b"] { try await register(name, ["env=prod", "loglevel=info"]) }
        try await apply(Self.document())
        await keeper.pass()
        try await apply(Self.document(prometheus: "25.1.0"))
        await keeper.pass()
        try await apply(Self.document(prometheus: "25.2.0"))
        await keeper.pass()

        let rollouts = try await cloud.store.rollouts(state: nil, page: 0, perPage: 10)
        #expect(rollouts.map(\.state) == [.running, .cancelled])
        #expect(rollouts[0].clusters.map(\.name) == ["a", "b"] && rollouts[0].target.chart?.version == "25.2.0")
    }

    @Test("a cluster relabelled out of a profile: with remove its services are deleted, with keep they stay")
    func leaving() async throws {
        for onLeave in ["remove", "keep"] {
            let id = try await register("leaving-\(onLeave)", ["env=prod", "loglevel=info"])
            try await apply(Self.document(extra: "onLeave: \(onLeave)"))
            await keeper.pass()
            let relabel = try await cloud.router.post("/api/cluster/\(id)/labels", json: ["Set": ["env": "dev"]], token: RoleTokens.operatorToken)
            #expect(relabel.status == 200, "\(relabel.text)")
            await keeper.pass()
            let deletes = try await deployments(id).filter { $0.action == .delete }
            #expect(deletes.count == (onLeave == "remove" ? 2 : 0))
            #expect(try await cloud.store.profileTargets().filter { $0.clusterID == id }.isEmpty)
        }
    }

    @Test("of two servers sharing the store, only the one holding the lease makes passes")
    func oneKeeper() async throws {
        try await apply(Self.document())
        try await register("a", ["env=prod", "loglevel=info"])
        let other = ProfileKeeper(fleet: Fleet(supervisor: cloud.supervisor), interval: .seconds(30), owner: "other", logger: Logger(label: "test"))
        #expect(await keeper.pass() != nil)
        #expect(await other.pass() == nil)
        #expect(try await deployments().count == 2)
    }
}
