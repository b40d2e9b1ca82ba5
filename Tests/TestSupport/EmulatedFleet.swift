import Foundation

/// Many emulated clusters in one emulator process (`kube-emulator --clusters N`), each on its own
/// port with its own kubeconfig: a fleet at a fraction of a process per cluster.
public struct EmulatedFleet: Sendable {
    let server: ReadyProcess
    /// Each cluster's kubeconfig, as a request carries it.
    public let kubeconfigs: [String]

    public static func start(clusters: Int, scratch: String) async throws -> EmulatedFleet {
        let directory = "\(scratch)/fleet-\(UUID().uuidString.prefix(6))"
        var environment = ProcessInfo.processInfo.environment
        environment["TESTBED_HOME"] = Testbed.home
        let server = try await ReadyProcess.start(
            "\(Testbed.root)/kube-emulator",
            ["--clusters", "\(clusters)", "--kubeconfig-dir", directory],
            environment: environment
        )
        let kubeconfigs = try (0..<clusters).map { try String(contentsOfFile: "\(directory)/cluster-\($0).kubeconfig", encoding: .utf8) }
        return EmulatedFleet(server: server, kubeconfigs: kubeconfigs)
    }

    public func stop() { server.stop() }
}
