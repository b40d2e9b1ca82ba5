import ArgumentParser
import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// Labels are KEY=VALUE pairs, set at registration and changed afterwards (operator role,
/// audited); a bare label is refused when set and read as its key with an empty value.
@Suite("Cluster labels")
struct ClusterLabelTests {
    let cloud: InProcessCloud
    let clusterID: String

    init() async throws {
        cloud = try await InProcessCloud(apiTokens: RoleTokens.all)
        clusterID = try await cloud.register("edge", labels: ["env=prod", "region=eu", "canary="]).id
    }

    @Test(
        "a label that is not KEY=VALUE, a bad key or a key given twice is refused at registration, naming Labels",
        arguments: [["prod"], ["=x"], ["bad key=x"], ["env=a", "env=b"], ["env=line\nbreak"]]
    )
    func registrationRefused(_ labels: [String]) async throws {
        let body: JSONValue = ["Name": "other", "Kubeconfig": .string(KubeconfigSamples.make()), "Labels": .array(labels.map(JSONValue.string))]
        let reply = try await cloud.router.post("/api/clusters", json: body, token: RoleTokens.admin)
        #expect(reply.status == 400 && reply.error?.field == "Labels", "\(reply.text)")
    }

    @Test("labels are set and removed in one change, kept in order, and the change is audited and an event")
    func relabel() async throws {
        let reply = try await cloud.router.post(
            "/api/cluster/\(clusterID)/labels",
            json: ["Set": ["region": "us", "tier": "web"], "Remove": ["canary"]] as JSONValue,
            token: RoleTokens.operatorToken
        )
        #expect(reply.status == 200, "\(reply.text)")
        #expect(try reply.decode(Cluster.self).labels == ["env=prod", "region=us", "tier=web"])
        #expect(try await cloud.store.cluster(clusterID)?.labelMap == ["env": "prod", "region": "us", "tier": "web"])
        let entries = try await cloud.store.auditEntries(AuditQuery()).filter { $0.path.hasSuffix("/labels") }
        #expect(entries.map(\.actor) == ["op"] && entries.map(\.targets) == [[clusterID]])
        let events = try await cloud.store.events(after: 0, limit: 100).filter { $0.type == "cluster.updated" }
        #expect(events.map(\.summary).last?.hasSuffix("relabelled: +region=us +tier=web -region=eu -canary=") == true, "\(events)")
    }

    @Test("a viewer may not relabel; a bad label, a key both set and removed, or an unknown cluster is refused")
    func refusals() async throws {
        let path = "/api/cluster/\(clusterID)/labels"
        #expect(try await cloud.router.post(path, json: ["Set": ["a": "b"]] as JSONValue, token: RoleTokens.viewer).status == 403)
        let bad = try await cloud.router.post(path, json: ["Set": ["bad key": "b"]] as JSONValue, token: RoleTokens.operatorToken)
        #expect(bad.status == 400 && bad.error?.field == "Set", "\(bad.text)")
        let both = try await cloud.router.post(path, json: ["Set": ["a": "b"], "Remove": ["a"]] as JSONValue, token: RoleTokens.operatorToken)
        #expect(both.status == 400 && both.error?.field == "Remove", "\(both.text)")
        #expect(
            try await cloud.router.post("/api/cluster/nope/labels", json: ["Set": ["a": "b"]] as JSONValue, token: RoleTokens.operatorToken).status
                == 404
        )
        #expect(try await cloud.store.cluster(clusterID)?.labels == ["env=prod", "region=eu", "canary="])
    }

    @Test("cloud cluster label sends the labels to set and the keys to remove")
    func command() throws {
        let command = try ClusterCommand.Label.parse(["--cluster", "c1", "env=prod", "note=a=b", "--remove", "canary"])
        #expect(command.labels == ["env=prod", "note=a=b"] && command.removed == ["canary"])
        #expect(throws: (any Error).self) { try ClusterCommand.Label.parse(["--cluster", "c1", "prod"]) }
        #expect(throws: (any Error).self) { try ClusterCommand.Label.parse(["--cluster", "c1"]) }
    }
}
