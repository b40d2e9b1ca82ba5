import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// `--provisioner http://NAME:PORT` where NAME lists several instances, as a Kubernetes headless
/// Service does. Names come from a hosts file (`--provisioner-hosts-file`), which the test edits
/// the way DNS changes when pods come and go; each instance listens on its own loopback address.
@Suite("Routing to provisioners behind one name", .serialized, .tags(.integration), .skippedInFastRuns)
struct DNSRoutingTests {
    final class Stack: @unchecked Sendable {
        let scratch: String
        /// Its workloads become ready: what the test follows to the end.
        let emulator: KubeEmulator
        /// Its workloads take an hour: deployments there keep an instance busy for the whole test.
        let busy: KubeEmulator
        let port = Testbed.freePort()
        var provisioners: [String: ServerProcess] = [:]
        var server: ServerProcess!
        var hosts: String { "\(scratch)/hosts" }

        init() async throws {
            scratch = try Testbed.makeScratchDirectory()
            emulator = try await KubeEmulator.start(readyAfter: 10, scratch: scratch)
            busy = try await KubeEmulator.start(readyAfter: 3600, scratch: scratch)
        }

        func startProvisioner(on address: String) async throws {
            // A vanished instance is no proof its helm is gone: its releases are waited for until provably
            // stale, which a short default timeout and no clock skew (one host) keep to about half a minute.
            provisioners[address] = try await ServerProcess.provisioner(
                scratch: scratch,
                arguments: ["--listen", "\(address):\(port)", "--default-timeout", "30s", "--max-clock-skew", "0s"]
            )
        }

        /// What the name resolves to from now on.
        func publish(_ addresses: [String]) throws {
            try addresses.map { "\($0) provisioners.test\n" }.joined().write(toFile: hosts, atomically: true, encoding: .utf8)
        }

        func key(_ address: String) -> String { "http://\(address):\(port)" }

        func instances() async throws -> [String] {
            let list = try JSONSerialization.jsonObject(with: try await server.request("GET", "/api/provisioners").body) as? [[String: Any]]
            return (list ?? []).compactMap { $0["URL"] as? String }
        }

        func waitForInstances(_ expected: [String]) async throws {
            let arrived = try await eventually(timeout: .seconds(20), every: .milliseconds(200)) { try await instances() == expected }
            let found = try await instances()
            #expect(arrived, "\(found) is not \(expected)")
        }

        func close() {
            server?.stop()
            for server in provisioners.values { server.stop() }
            emulator.stop()
            busy.stop()
            try? FileManager.default.removeItem(atPath: scratch)
        }
    }

    /// - Parameter timeoutSeconds: nil for the provisioners' default (30 s here).
    func deploy(_ service: ServiceName, on cluster: String, _ stack: Stack, timeoutSeconds: Int? = nil) async throws -> Deployment {
        var body: [String: JSONValue] = [
            "ClusterID": .string(cluster), "Service": .string(service.rawValue), "Action": "apply",
            "Chart": ["Version": .string(Testbed.defaultChartVersions[service]!)],
        ]
        body["TimeoutSeconds"] = timeoutSeconds.map { .number(Double($0)) }
        return try await stack.server.request("POST", "/api/deployments", body: try WireJSON.encoder().encode(JSONValue.object(body)))
            .decode(Deployment.self)
    }

    func register(_ name: String, _ emulator: KubeEmulator, _ stack: Stack) async throws -> Cluster {
        try await stack.server.request(
            "POST",
            "/api/clusters",
            body: try WireJSON.encoder().encode(["Name": name, "Kubeconfig": emulator.kubeconfig])
        )
        .decode(Cluster.self)
    }

    func current(_ id: String, _ stack: Stack) async throws -> Deployment {
        try await stack.server.request("GET", "/api/deployment/\(id)").decode(Deployment.self)
    }

    func waitFor(_ id: String, _ stack: Stack, until done: (Deployment) -> Bool = { $0.state.isFinal }) async throws -> Deployment {
        var deployment: Deployment?
        let arrived = try await eventually(timeout: .seconds(120), every: .milliseconds(200)) {
            deployment = try await current(id, stack)
            return deployment.map(done) ?? false
        }
        guard arrived, let deployment else { throw ServerProcess.StartFailure(log: "deployment \(id) never got there") }
        return deployment
    }

    @Test("every address is an instance; a new one gets work; a vanished one's work is dispatched again")
    func instancesFollowTheName() async throws {
        let stack = try await Stack()
        defer { stack.close() }
        try await stack.startProvisioner(on: "127.0.0.2")
        try await stack.startProvisioner(on: "127.0.0.3")
        try stack.publish(["127.0.0.2", "127.0.0.3"])
        stack.server = try await ServerProcess.cloudServer(
            database: "\(stack.scratch)/cloud.db",
            provisioners: ["http://provisioners.test:\(stack.port)"],
            arguments: ["--provisioner-hosts-file", stack.hosts]
        )
        #expect(try await stack.instances() == [stack.key("127.0.0.2"), stack.key("127.0.0.3")])

        let busy = try await register("busy", stack.busy, stack)
        let cluster = try await register("c", stack.emulator, stack)
        let nginx = try await waitFor(try await deploy("nginx", on: busy.id, stack, timeoutSeconds: 600).id, stack) { $0.state == .running }
        let fluentbit = try await waitFor(try await deploy("fluentbit", on: busy.id, stack, timeoutSeconds: 600).id, stack) { $0.state == .running }
        #expect(Set([nginx.provisioner, fluentbit.provisioner]) == [stack.key("127.0.0.2"), stack.key("127.0.0.3")])

        // Both stay busy, so the newcomer is the least loaded instance.
        try await stack.startProvisioner(on: "127.0.0.4")
        try stack.publish(["127.0.0.2", "127.0.0.3", "127.0.0.4"])
        try await stack.waitForInstances([stack.key("127.0.0.2"), stack.key("127.0.0.3"), stack.key("127.0.0.4")])
        // Its next attempt first waits for the release's Lease the killed one leaves, then
        // installs: 30 s ran out for both on a busy machine.
        let prometheus = try await waitFor(try await deploy("prometheus", on: cluster.id, stack, timeoutSeconds: 90).id, stack) {
            $0.state == .running
        }
        #expect(prometheus.provisioner == stack.key("127.0.0.4"), "the idle newcomer gets the work")

        // The newest instance dies, helm and all, and drops out of the name.
        #expect(try await current(prometheus.id, stack).state == .running)
        stack.provisioners["127.0.0.4"]?.killWithChildren()
        try stack.publish(["127.0.0.2", "127.0.0.3"])
        let redone = try await waitFor(prometheus.id, stack)
        #expect(redone.state == .succeeded, "\(redone.error ?? "") \(redone.log)")
        // The next attempt waits for the release the vanished one may still hold; when it turns
        // stale only after that attempt's deadline, a third attempt clears it.
        #expect((2...3).contains(redone.attempts))
        #expect(redone.provisioner != stack.key("127.0.0.4"))
    }
}
