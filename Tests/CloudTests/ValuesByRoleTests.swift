import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// What each role reads of values that hold secrets: a viewer a keyed digest, an operator or an
/// admin the values whole, their read audited.
@Suite("Values by role")
struct ValuesByRoleTests {
    static let values: JSONValue = ["grafana": ["adminPassword": "hunter2"], "replicaCount": 2]

    let cloud: InProcessCloud
    let clusterID: String

    init() async throws {
        cloud = try await InProcessCloud(apiTokens: RoleTokens.all)
        clusterID = try await cloud.register("edge").id
    }

    func password(in values: JSONValue?) -> String? {
        guard case .string(let text)? = values?.objectValue?["grafana"]?.objectValue?["adminPassword"] else { return nil }
        return text
    }

    @Test("a viewer reads a deployment's secrets as the same keyed digest wherever they appear; other values whole")
    func viewerReadsDigests() async throws {
        let body: JSONValue = ["ClusterID": .string(clusterID), "Service": "prometheus", "Action": "apply", "Values": Self.values]
        let id = try await cloud.router.post("/api/deployments", json: body, token: RoleTokens.operatorToken).decode(Deployment.self).id

        let one = try await cloud.router.request(.get, "/api/deployment/\(id)", token: RoleTokens.viewer).decode(Deployment.self)
        let listed = try await cloud.router.request(.get, "/api/deployments", token: RoleTokens.viewer).decode([Deployment].self)
        let digest = try #require(password(in: one.values))
        #expect(digest.hasPrefix("hmac-sha256:") && !digest.contains("hunter2"))
        #expect(password(in: listed.first?.values) == digest)
        #expect(one.values?.objectValue?["replicaCount"] == 2)
    }

    @Test("an operator reads the values whole, and the read is audited")
    func operatorReadIsAudited() async throws {
        let body: JSONValue = ["ClusterID": .string(clusterID), "Service": "prometheus", "Action": "apply", "Values": Self.values]
        let id = try await cloud.router.post("/api/deployments", json: body, token: RoleTokens.operatorToken).decode(Deployment.self).id

        let read = try await cloud.router.request(.get, "/api/deployment/\(id)", token: RoleTokens.operatorToken).decode(Deployment.self)
        #expect(password(in: read.values) == "hunter2")
        let reads = try await cloud.store.auditEntries(AuditQuery()).filter { $0.method == "GET" }
        #expect(reads.map(\.targets) == [[id]] && reads.map(\.actor) == ["op"])
    }

    @Test("a viewer reads a rollout's target values as digests")
    func rolloutTarget() async throws {
        let body: JSONValue = ["Service": "prometheus", "Chart": ["Version": "25.18.0"], "All": true, "Values": Self.values]
        let created = try await cloud.router.post("/api/rollouts", json: body, token: RoleTokens.operatorToken)
        #expect(created.status == 201, "\(created.text)")
        let id = try created.decode(Rollout.self).id

        let read = try await cloud.router.request(.get, "/api/rollout/\(id)", token: RoleTokens.viewer).decode(Rollout.self)
        #expect(password(in: read.target.values)?.hasPrefix("hmac-sha256:") == true)
    }

    @Test("a word given with --secret-key-word makes its keys secret to viewers too; a word that is no word is refused")
    func configuredWords() throws {
        let view = ValuesView(tokens: LiveTokens(RoleTokens.all), audit: cloud.store, secrets: try SecretValues.adding(flagValues: ["PIN"]))
        let shown = view.values(["adminPin": "12345678", "replicaCount": "2"], for: .viewer)
        guard case .string(let digest)? = shown?.objectValue?["adminPin"] else {
            Issue.record("adminPin is not a string: \(String(describing: shown))")
            return
        }
        #expect(digest.hasPrefix("hmac-sha256:"))
        #expect(shown?.objectValue?["replicaCount"] == "2")
        #expect(throws: (any Error).self) { try SecretValues.adding(flagValues: ["two words"]) }
    }
}
