import FleetAPI
import Foundation
import HTTPTypes
import HelmDriver
import ServerSupport
import TestSupport
import Testing

@testable import provisioner

/// Every client mistake is a 4xx with a JSON body naming the field, never a crash or a 500.
@Suite("Provisioner bad input")
struct ProvisionerBadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var status: Int
        var field: String?
        var testDescription: String { name }
    }

    static let kubeconfig = """
        apiVersion: v1
        clusters:
        - name: c
          cluster:
            server: http://127.0.0.1:1
        contexts:
        - name: c
          context:
            cluster: c
        current-context: c
        """

    /// A valid request with some fields replaced (NSNull removes one).
    static func body(_ overrides: [String: Any] = [:]) -> String {
        var object: [String: Any] = ["ClusterID": "c1", "Service": "nginx", "Action": "apply", "Kubeconfig": kubeconfig]
        for (key, value) in overrides { object[key] = value is NSNull ? nil : value }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// A request whose KubeconfigSource names an EKS cluster (and `other` sources).
    static func eks(_ cluster: [String: String], _ other: [String: Any] = [:]) -> String {
        body(["KubeconfigSource": other.merging(["EKS": cluster]) { $1 }])
    }

    static let cases: [Case] = [
        Case(name: "body not JSON", body: "not json", status: 400, field: nil),
        Case(name: "body not an object", body: "[1,2]", status: 400, field: nil),
        Case(name: "unknown service", body: body(["Service": "redis"]), status: 400, field: "Service"),
        Case(name: "unknown action", body: body(["Action": "explode"]), status: 400, field: "Action"),
        Case(name: "missing kubeconfig", body: body(["Kubeconfig": NSNull()]), status: 400, field: "Kubeconfig"),
        Case(name: "empty kubeconfig", body: body(["Kubeconfig": ""]), status: 400, field: "Kubeconfig"),
        Case(name: "unparsable kubeconfig", body: body(["Kubeconfig": "{{{ not yaml"]), status: 400, field: "Kubeconfig"),
        Case(name: "kubeconfig without a server", body: body(["Kubeconfig": "apiVersion: v1\nclusters: []\n"]), status: 400, field: "Kubeconfig"),
        Case(name: "kubeconfig not a string", body: body(["Kubeconfig": ["a": 1]]), status: 400, field: "Kubeconfig"),
        Case(name: "bad chart version", body: body(["Chart": ["Version": "latest; rm -rf /"]]), status: 400, field: "Chart.Version"),
        Case(name: "tests with a delete", body: body(["Action": "delete", "Test": true]), status: 400, field: "Test"),
        Case(name: "forced conflicts with a delete", body: body(["Action": "delete", "ForceConflicts": true]), status: 400, field: "ForceConflicts"),
        Case(name: "forced conflicts not a boolean", body: body(["ForceConflicts": "yes"]), status: 400, field: "ForceConflicts"),
        Case(name: "unknown action", body: body(["Action": "destroy"]), status: 400, field: "Action"),
        Case(name: "chart version not a string", body: body(["Chart": ["Version": 1]]), status: 400, field: "Chart.Version"),
        Case(name: "chart repository not a URL", body: body(["Chart": ["Repository": "not a url"]]), status: 400, field: "Chart.Repository"),
        Case(
            name: "chart digest not sha256 hex",
            body: body(["Chart": ["Repository": "oci://registry.example.com/charts", "Digest": "sha256:ABC"]]),
            status: 400,
            field: "Chart.Digest"
        ),
        Case(name: "timeout too small", body: body(["TimeoutSeconds": 0]), status: 400, field: "TimeoutSeconds"),
        Case(name: "timeout too large", body: body(["TimeoutSeconds": 3601]), status: 400, field: "TimeoutSeconds"),
        Case(name: "timeout not a number", body: body(["TimeoutSeconds": "soon"]), status: 400, field: "TimeoutSeconds"),
        Case(name: "values not an object", body: body(["Values": [1, 2]]), status: 400, field: "Values"),
        Case(name: "missing cluster", body: body(["ClusterID": NSNull()]), status: 400, field: "ClusterID"),
        Case(name: "empty cluster", body: body(["ClusterID": ""]), status: 400, field: "ClusterID"),
        Case(name: "bad ID", body: body(["ID": "../../etc"]), status: 400, field: "ID"),
        Case(name: "null service", body: body(["Service": NSNull()]), status: 400, field: "Service"),
        Case(
            name: "EKS cluster name with a slash",
            body: eks(["Cluster": "a/b", "Region": "us-east-1"]),
            status: 400,
            field: "KubeconfigSource.EKS.Cluster"
        ),
        Case(
            name: "EKS region not a region",
            body: eks(["Cluster": "prod", "Region": "evil.example/x"]),
            status: 400,
            field: "KubeconfigSource.EKS.Region"
        ),
        Case(
            name: "EKS and S3 at once",
            body: eks(["Cluster": "prod", "Region": "us-east-1"], ["S3": ["Bucket": "b", "Key": "k"]]),
            status: 400,
            field: "KubeconfigSource"
        ),
    ]

    @Test("rejects with 400 and names the field", arguments: cases)
    func rejects(_ testCase: Case) async throws {
        let provisioner = try await InProcessProvisioner.start()
        defer { provisioner.stop() }

        let reply = try await provisioner.server.request(.post, "/api/deployments", body: Data(testCase.body.utf8))

        #expect(reply.status == testCase.status, "\(reply.text)")
        #expect(reply.error?.field == testCase.field)
        #expect(reply.error?.error.isEmpty == false)
        #expect(try await provisioner.server.request(.get, "/api/deployments").text == "[]")
    }

    @Test("a body over 1 MiB is refused with 413")
    func oversizedBody() async throws {
        let provisioner = try await InProcessProvisioner.start()
        defer { provisioner.stop() }

        let padding = String(repeating: "x", count: 1 << 20)
        let reply = try await provisioner.server.request(.post, "/api/deployments", body: Data(Self.body(["Padding": padding]).utf8))

        #expect(reply.status == 413)
        #expect(reply.error != nil)
    }

    @Test("unknown IDs are 404, cancelling a finished deployment is 409, an unknown state filter is 400", .tags(.integration), .skippedInFastRuns)
    func idsAndStates() async throws {
        let harness = try await DeployHarness()
        let server = try await harness.startProvisioner()
        defer {
            server.stop()
            harness.close()
        }

        #expect(try await server.request("GET", "/api/deployment/nope").status == 404)
        #expect(try await server.request("DELETE", "/api/deployment/nope").status == 404)
        #expect(try await server.request("GET", "/api/deployments?state=sleeping").error?.field == "state")
        #expect(try await server.request("GET", "/no/such/route").status == 404)

        let id = try await server.post(harness.request("nginx")).decode(DeploymentStatus.self).id
        _ = try await server.waitFor(id)
        let reply = try await server.request("DELETE", "/api/deployment/\(id)")
        #expect(reply.status == 409)
        #expect(reply.error?.error.contains("already finished") == true)
    }
}
