import Foundation
import Internal
import TestSupport
import Testing

@testable import cloud

/// HTTPS on both servers with a CA made for the test; clients verify with --ca.
@Suite("TLS between the CLI, the cloud server and provisioners", .serialized, .tags(.integration), .skippedInFastRuns)
struct TLSTests {
    @Test("the CLI and the cloud server verify HTTPS peers against --ca, and refuse without it")
    func httpsBothWays() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let ca = try TestCA(in: scratch)
        let emulator = try KubeEmulator.start(scratch: scratch)
        let tlsFlags = ["--tls-cert", ca.serverCertificate, "--tls-key", ca.serverKey]
        let provisioner = try ServerProcess.provisioner(scratch: scratch, arguments: tlsFlags)
        let server = try ServerProcess.cloudServer(
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
        func cli(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ServerProcess.binary("cloud"))
            process.arguments = arguments + ["--server", server.baseURL]
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
        }

        let unverified = try cli(["cluster", "list"])
        #expect(unverified.status == 1)
        #expect(unverified.stderr.lowercased().contains("certificate"))

        let registered = try cli(["cluster", "register", "--name", "tls", "--kubeconfig", "\(scratch)/kc", "--ca", ca.caCertificate])
        #expect(registered.status == 0, "\(registered.stderr)")
        let cluster = try JSONDecoder().decode(Cluster.self, from: Data(registered.stdout.utf8))
        let created = try cli(["deployment", "create", "--cluster", cluster.id, "--service", "nginx", "--version", "1.0.0", "--ca", ca.caCertificate])
        let deployment = try JSONDecoder().decode(Deployment.self, from: Data(created.stdout.utf8))
        let waited = try cli(["deployment", "wait", "--deployment", deployment.id, "--timeout", "2m", "--ca", ca.caCertificate])
        #expect(waited.status == 0, "\(waited.stderr)")
    }
}
