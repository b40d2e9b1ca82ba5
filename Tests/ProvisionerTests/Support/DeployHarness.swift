import ChildProcess
import FleetAPI
import Foundation
import HelmDriver
import TestSupport

@testable import provisioner

/// One emulator, one helm setup and a deployer over them, for deployment tests.
struct DeployHarness {
    let scratch: String
    let emulator: KubeEmulator
    let helm: HelmClient
    let deployer: HelmDeployer
    let catalog = ServiceCatalog.standard

    init(
        readyAfter: Int = 0,
        chartDirectory: String? = Testbed.charts,
        policy: RemediationPolicy = .rollback,
        onHelmStart: (@Sendable (pid_t) -> Void)? = nil,
        configure: (inout HelmConfiguration) -> Void = { _ in },
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        scratch = try Testbed.makeScratchDirectory()
        emulator = try await KubeEmulator.start(readyAfter: readyAfter, scratch: scratch)
        var configuration = Testbed.helmConfiguration(scratch: scratch)
        configure(&configuration)
        helm = HelmClient(configuration: configuration, logger: Testbed.logger)
        var deployer = HelmDeployer(
            releases: ReleaseManager(helm: helm, policy: policy, logger: Testbed.logger, now: now),
            chartDirectory: chartDirectory,
            aws: AWSClient(configuration: Testbed.aws, logger: Testbed.logger),
            kubeconfigPolicy: .testbed,
            logger: Testbed.logger
        )
        deployer.onHelmStart = onHelmStart
        self.deployer = deployer
    }

    /// A request for `service`; without a version, the service's default chart version.
    func request(
        _ service: ServiceName,
        _ action: DeploymentAction = .apply,
        version: String? = nil,
        values: JSONValue? = nil,
        dns: DNSConfig? = nil
    ) -> DeploymentRequest {
        DeploymentRequest(
            clusterID: "cluster1",
            service: service,
            action: action,
            chart: version.map { ChartRequest(version: $0) },
            values: values,
            kubeconfig: emulator.kubeconfig,
            dns: dns
        )
    }

    func deploy(
        _ request: DeploymentRequest,
        within timeout: Duration = .seconds(60),
        events: DeploymentEvents = DeploymentEvents()
    ) async -> DeploymentResult {
        await deployer.run(request, service: catalog[request.service]!, timeout: timeout, events: events)
    }

    func release(of service: ServiceName) -> ReleaseRef { catalog[service]!.helm.release }

    /// The release's revisions as helm reports them; empty when it does not exist.
    func history(_ release: ReleaseRef) async throws -> [ReleaseRevision] {
        try await emulator.history(release, scratch: scratch)
    }

    /// The user-supplied values of the release's current revision.
    func values(_ release: ReleaseRef) async throws -> String {
        let arguments = HelmArguments.getValues(release)
        let result = try await helm.run(arguments, kubeconfig: emulator.kubeconfigPath, deadline: .now + .seconds(30))
        try helm.check(result, arguments: arguments)
        return result.stdout
    }

    /// Polls until the release's latest revision has `status` (e.g. pending-install).
    func waitFor(_ status: ReleaseStatus, of release: ReleaseRef, timeout: Duration = .seconds(90)) async throws {
        try await emulator.waitFor(status, of: release, scratch: scratch, timeout: timeout)
    }

    /// A wall clock this far ahead, where what helm wrote a moment ago is old.
    static func later(by offset: Duration) -> @Sendable () -> Date {
        { Date() + offset.seconds }
    }

    /// `kubectl` against the emulator, as a person changes a cluster by hand; its output, or the
    /// error it printed.
    @discardableResult
    func kubectl(_ arguments: [String]) async throws -> String {
        let run = try await CommandRun.run("/usr/bin/kubectl", ["--kubeconfig", emulator.kubeconfigPath] + arguments)
        guard run.status == 0 else { throw KubectlFailed(arguments: arguments, stderr: run.stderr) }
        return run.stdout
    }

    struct KubectlFailed: Error, CustomStringConvertible {
        var arguments: [String]
        var stderr: String
        var description: String { "kubectl \(arguments.joined(separator: " ")): \(stderr)" }
    }

    /// A `helm upgrade --install` of the service's default chart outside the provisioner, as someone
    /// might run it by hand, with `flags` (e.g. `--server-side=false`), run to its end.
    func installByHand(_ service: ServiceName, _ flags: [String]) async throws {
        let release = release(of: service)
        let chart = try ChartLocator(chartDirectory: Testbed.charts).locate(
            catalog[service]!.helm.chart,
            version: catalog[service]!.helm.chart.defaultVersion
        )
        let arguments =
            ["upgrade", "--install", release.name, chart.reference, "--namespace", release.namespace, "--create-namespace"] + flags
        try helm.check(try await helm.run(arguments, kubeconfig: emulator.kubeconfigPath, deadline: .now + .seconds(60)), arguments: arguments)
    }

    /// Starts a raw `helm upgrade --install --wait` outside the provisioner, to be killed by the test.
    func startRawHelm(_ service: ServiceName, version: String, values: [String] = []) throws -> Process {
        let release = release(of: service)
        let chart = try ChartLocator(chartDirectory: Testbed.charts).locate(catalog[service]!.helm.chart, version: version)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Testbed.helm)
        process.arguments =
            [
                "upgrade", "--install", release.name, chart.reference, "--namespace", release.namespace,
                "--create-namespace", "--wait", "--timeout", "120s", "--kubeconfig", emulator.kubeconfigPath,
            ] + values.flatMap { ["--set", $0] }
        process.environment = ProcessInfo.processInfo.environment.merging(helm.configuration.environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        // Kept for the failure message of a test whose raw helm did not do what it expected.
        _ = FileManager.default.createFile(atPath: rawHelmLogPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: rawHelmLogPath) ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    var rawHelmLogPath: String { "\(scratch)/raw-helm.log" }

    /// What the last raw helm printed on stderr.
    var rawHelmLog: String { (try? String(contentsOfFile: rawHelmLogPath, encoding: .utf8)) ?? "" }

    /// A real provisioner process using this harness's helm setup.
    func startProvisioner(
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        chartDirectory: String? = Testbed.charts
    ) async throws -> ServerProcess {
        try await ServerProcess.provisioner(scratch: scratch, arguments: arguments, environment: environment, chartDirectory: chartDirectory)
    }

    func close() {
        emulator.stop()
        try? FileManager.default.removeItem(atPath: scratch)
    }

    struct HarnessTimeout: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
