import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// HTTPS on both servers with a CA made for the test; clients verify with --ca.
@Suite("TLS between the CLI, the cloud server and provisioners", .serialized, .tags(.integration), .skippedInFastRuns)
struct TLSTests {
    @Test("the CLI and the cloud server verify HTTPS peers against --ca, and refuse without it")
    func httpsBothWays() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let ca = try await TestCA(in: scratch)
        let emulator = try await KubeEmulator.start(scratch: scratch)
        let tlsFlags = ["--tls-cert", ca.serverCertificate, "--tls-key", ca.serverKey]
        let provisioner = try await ServerProcess.provisioner(scratch: scratch, arguments: tlsFlags)
        let server = try await ServerProcess.cloudServer(
            database: "\(scratch)/cloud.db",
            provisioners: [provisioner.baseURL],
            arguments: tlsFlags + ["--ca", ca.caCertificate]
        )
        defer {
            server.stop()
            provisioner.stop()
            emulator.stop()
            try? FileManager.default.removeItem(atPath: scratch)
        }
        #expect(server.baseURL.hasPrefix("https://") && provisioner.baseURL.hasPrefix("https://"))
        try emulator.kubeconfig.write(toFile: "\(scratch)/kc", atomically: true, encoding: .utf8)
        func cli(_ arguments: [String]) async throws -> CommandRun {
            try await CommandRun.run(ServerProcess.binary("cloud"), arguments + ["--server", server.baseURL])
        }

        let unverified = try await cli(["cluster", "list"])
        #expect(unverified.status == 1)
        #expect(unverified.stderr.lowercased().contains("certificate"))

        let registered = try await cli(["cluster", "register", "--name", "tls", "--kubeconfig", "\(scratch)/kc", "--ca", ca.caCertificate])
        #expect(registered.status == 0, "\(registered.stderr)")
        let cluster = try WireJSON.decoder().decode(Cluster.self, from: Data(registered.stdout.utf8))
        let created = try await cli([
            "deployment", "create", "--cluster", cluster.id, "--service", "nginx", "--chart-version", "4.15.1", "--ca", ca.caCertificate,
        ])
        let deployment = try WireJSON.decoder().decode(Deployment.self, from: Data(created.stdout.utf8))
        let waited = try await cli(["deployment", "wait", "--deployment", deployment.id, "--timeout", "2m", "--ca", ca.caCertificate])
        #expect(waited.status == 0, "\(waited.stderr)")
    }
}
