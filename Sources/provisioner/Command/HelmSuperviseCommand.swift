import ArgumentParser
import ChildProcess
import FleetAPI
import Foundation
import HelmDriver
import UnixSignals

/// `provisioner helm-supervise`: the process a helm run that changes a release runs under (see
/// `ReleaseLeasing`). The provisioner starts it; it is not for people, so --help leaves it out.
struct HelmSuperviseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helm-supervise",
        abstract: "Run helm while holding the release's Lease (started by the provisioner itself).",
        shouldDisplay: false
    )

    @Option(help: "The kubeconfig file helm gets; the Lease is written with its credentials.") var kubeconfig: String
    @Option var namespace: String
    @Option var lease: String
    @Option var holder: String
    @Option var duration: Int
    @Option var renewDeadline: Int
    @Option var retryPeriod: Int
    @Option var gracePeriod: Int
    @Option(help: "How far the holder's clock may be from this host's, in seconds.") var clockSkew: Int
    @Option var outputLimit: Int
    @Flag(help: "Take the Lease even from a holder that renewed it lately: its helm is known to have ended.") var takeOver = false
    @Option(help: "Take the Lease at this version even from a holder that renewed it lately: it was seen abandoned.")
    var takeOverVersion: String?
    @Argument(parsing: .postTerminator) var helm: [String]

    func run() async throws {
        guard let executable = helm.first else { throw ValidationError("no helm command after --") }
        guard let text = try? String(contentsOfFile: kubeconfig, encoding: .utf8), let parsed = Kubeconfig(normalized: text) else {
            FileHandle.standardError.write(Data("Error: cannot read the kubeconfig \(kubeconfig) for the release's Lease\n".utf8))
            throw ExitCode(1)
        }
        let kube = KubeClient(kubeconfig: parsed, timeout: .seconds(5))
        let leased = LeasedHelmRun(
            kube: kube,
            namespace: namespace,
            lease: lease,
            holder: holder,
            duration: .seconds(duration),
            renewDeadline: .seconds(renewDeadline),
            retryPeriod: .seconds(retryPeriod),
            maxClockSkew: .seconds(clockSkew),
            takeover: takeOver ? .any : takeOverVersion.map(LeaseTakeover.version) ?? .none,
            runner: ProcessRunner(gracePeriod: .seconds(gracePeriod), outputLimit: outputLimit),
            helm: ProcessSpec(executable: executable, arguments: Array(helm.dropFirst()), environment: ProcessInfo.processInfo.environment)
        )
        // SIGTERM (the provisioner stopping helm) cancels the run, which stops helm as the
        // provisioner would have; the Lease is renewed until helm has ended.
        let run = Task { await leased.run() }
        let signals = Task {
            for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) { run.cancel() }
        }
        let outcome = await run.value
        signals.cancel()
        if let result = outcome.result {
            FileHandle.standardOutput.write(Data(result.stdout.utf8))
            FileHandle.standardError.write(Data(result.stderr.utf8))
        }
        if let refused = outcome.refused { FileHandle.standardError.write(Data("\(refused)\n".utf8)) }
        if let fenced = outcome.fenced { FileHandle.standardError.write(Data("Error: helm was stopped: \(fenced)\n".utf8)) }
        throw ExitCode(outcome.exitCode)
    }
}
