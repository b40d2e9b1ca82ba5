import FleetAPI
import Foundation
import Logging
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// What the cloud server lets a request make it, or a provisioner, reach: a cluster's API server
/// never the metadata address, a webhook no private, loopback or metadata address, either as
/// written or as its name resolves when a delivery goes out.
@Suite("Cloud server address policy")
struct CloudAddressPolicyTests {
    static let metadataServers = ["http://169.254.169.254/", "http://2852039166/", "http://[::ffff:a9fe:a9fe]/"]

    @Test("a cluster whose kubeconfig points at the metadata address, in any spelling, is refused with 400 naming Kubeconfig")
    func metadataClusterRefused() async throws {
        let cloud = try await InProcessCloud(kubeconfigPolicy: .dataOnly)
        for server in Self.metadataServers {
            let reply = try await cloud.router.post("/api/clusters", json: ["Name": "prod", "Kubeconfig": KubeconfigSamples.make(server: server)])
            #expect(reply.status == 400, "\(server): \(reply.text)")
            #expect(reply.error?.field == "Kubeconfig")
            #expect(reply.error?.error.contains("the cloud metadata address") == true, "\(reply.text)")
        }
        #expect(try await cloud.store.clusters(label: nil, page: 0, perPage: 10).isEmpty)
    }

    @Test("a cluster on loopback is refused by default and registered when --allowed-api-server names loopback")
    func loopbackClusterNeedsAllowing() async throws {
        let kubeconfig = KubeconfigSamples.make(server: "https://127.0.0.1:6443")
        let strict = try await InProcessCloud(kubeconfigPolicy: .dataOnly)
        #expect(try await strict.router.post("/api/clusters", json: ["Name": "prod", "Kubeconfig": kubeconfig]).status == 400)
        let allowing = try await InProcessCloud(kubeconfigPolicy: KubeconfigPolicy(servers: try Self.policy(.apiServers, "127.0.0.0/8")))
        #expect(try await allowing.router.post("/api/clusters", json: ["Name": "prod", "Kubeconfig": kubeconfig]).status == 200)
    }

    @Test(
        "a webhook to a private, loopback, link-local or metadata address is refused with 400 naming URL",
        arguments: [
            "http://10.0.0.7/hook", "https://192.168.1.1/", "http://127.0.0.1:8080/", "http://localhost/", "http://169.254.169.254/",
            "http://[fe80::1]/",
        ]
    )
    func webhookTargetRefused(_ url: String) async throws {
        let cloud = try await InProcessCloud(webhookTargets: .webhooks)
        let reply = try await cloud.router.post("/api/webhooks", json: ["URL": url])
        #expect(reply.status == 400, "\(reply.text)")
        #expect(reply.error?.field == "URL")
        #expect(try await cloud.store.webhooks().isEmpty)
    }

    @Test("--allowed-webhook-target 10.0.0.0/8 lets hooks reach that range, and nothing it does not name")
    func webhookTargetAllowed() async throws {
        let cloud = try await InProcessCloud(webhookTargets: try Self.policy(.webhooks, "10.0.0.0/8"))
        #expect(try await cloud.router.post("/api/webhooks", json: ["URL": "http://10.0.0.7/hook"]).status == 201)
        #expect(try await cloud.router.post("/api/webhooks", json: ["URL": "http://192.168.1.1/hook"]).status == 400)
        #expect(try await cloud.router.post("/api/webhooks", json: ["URL": "https://203.0.113.10/x"]).status == 400)
        // A name is judged on the address it resolves to, when a delivery goes out.
        #expect(try await cloud.router.post("/api/webhooks", json: ["URL": "https://hooks.example.com/x"]).status == 201)
    }

    @Test("a bad --allowed-api-server or --allowed-webhook-target value is refused naming the flag")
    func badFlagValues() {
        #expect(throws: Never.self) {
            try AddressPolicy.webhooks.allowing(flagValues: ["10.0.0.0/8", "*.example.com"], flag: "--allowed-webhook-target")
        }
        for value in ["10.0.0.0/33", "http://x", "*", "a b"] {
            let error = #expect(throws: (any Error).self) { try AddressPolicy.apiServers.allowing(flagValues: [value], flag: "--allowed-api-server") }
            #expect("\(error.map { "\($0)" } ?? "")".contains("--allowed-api-server"))
        }
    }

    static func policy(_ base: AddressPolicy, _ patterns: String...) throws -> AddressPolicy {
        base.allowing(try patterns.map { try AddressPattern(parsing: $0) })
    }
}
