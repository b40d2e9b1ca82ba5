public import FleetAPI
import Foundation
public import HelmDriver
public import Logging

/// The repository's testbed: real Helm v4 behind `testbed/bin/helm`, and a loopback Kubernetes API
/// emulator. Paths are found from this file, so `swift test` works from any directory.
public enum Testbed {
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    public static let root = "\(repositoryRoot)/testbed"
    public static let charts = "\(root)/charts"
    public static let helm = "\(root)/bin/helm"

    /// The testbed's Python environment, made by its idempotent `setup` on first use.
    public static let home: String = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(root)/setup")
        var environment = ProcessInfo.processInfo.environment
        environment["TESTBED_HOME"] = environment["TESTBED_HOME"] ?? "\(repositoryRoot)/.testbed"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try! process.run()
        let path = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "testbed/setup failed")
        return path.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    /// AWS as the test process's environment sets it (moto's endpoint, when a test started it).
    public static var aws: AWSConfiguration { AWSConfiguration(environment: ProcessInfo.processInfo.environment) }

    /// Helm configured for the testbed, with its own repository config and cache under `scratch`.
    public static func helmConfiguration(scratch: String, gracePeriod: Duration = .seconds(3)) -> HelmConfiguration {
        HelmConfiguration(
            executable: helm,
            environment: ProcessInfo.processInfo.environment.merging([
                "TESTBED_HOME": home,
                "HELM_CONFIG_HOME": "\(scratch)/helm-config",
                "HELM_CACHE_HOME": "\(scratch)/helm-cache",
                "HELM_DATA_HOME": "\(scratch)/helm-data",
            ]) { $1 },
            gracePeriod: gracePeriod,
            cleanupTimeout: .seconds(60),
            workDirectory: scratch
        )
    }

    /// Each service's default chart version, which the testbed's charts hold (a provisioner test holds
    /// this to the service declarations, which tests outside the provisioner cannot see).
    public static let defaultChartVersions: [ServiceName: String] = [
        "fluentbit": "0.40.0", "metrics-server": "3.12.1", "nginx": "4.15.1", "node-problem-detector": "2.3.12", "prometheus": "25.18.0",
        "prometheus-operator": "79.12.0",
    ]

    public static func makeScratchDirectory() throws -> String {
        let path = "\(NSTemporaryDirectory())provisioner-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }
}

/// A running `testbed/kube-emulator` on a free loopback port, stopped with `stop()`.
public final class KubeEmulator: Sendable {
    public let kubeconfigPath: String
    public let kubeconfig: String
    public let url: String
    private let server: ReadyProcess

    private init(_ server: ReadyProcess, kubeconfigPath: String) throws {
        self.server = server
        self.kubeconfigPath = kubeconfigPath
        url = server.address
        kubeconfig = try String(contentsOfFile: kubeconfigPath, encoding: .utf8)
    }

    /// - Parameters:
    ///   - readyAfter: seconds before workloads report ready, so in-flight states last.
    ///   - arguments: more of the emulator's flags, e.g. `--no-auto-ready` (workloads never ready).
    public static func start(readyAfter: Int = 0, scratch: String, arguments: [String] = []) async throws -> KubeEmulator {
        let kubeconfigPath = "\(scratch)/kubeconfig-\(UUID().uuidString.prefix(6))"
        var environment = ProcessInfo.processInfo.environment
        environment["TESTBED_HOME"] = Testbed.home
        let server = try await ReadyProcess.start(
            "\(Testbed.root)/kube-emulator",
            [
                "--port", "0", "--kubeconfig", kubeconfigPath, "--ready-after", "\(readyAfter)", "--kubernetes-version-file",
                "\(kubeconfigPath).version",
            ]
                + arguments,
            environment: environment
        )
        return try KubeEmulator(server, kubeconfigPath: kubeconfigPath)
    }

    /// What the cluster's `GET /version` answers from now on, e.g. `v1.30.2-eks-1552ad0`: the
    /// cluster upgraded.
    public func setKubernetesVersion(_ version: String) throws {
        try version.write(toFile: "\(kubeconfigPath).version", atomically: true, encoding: .utf8)
    }

    public func stop() { server.stop() }
}

extension Testbed {
    /// A TCP port the OS says is free on loopback now (free on 127.0.0.2 and up as well, almost always).
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
