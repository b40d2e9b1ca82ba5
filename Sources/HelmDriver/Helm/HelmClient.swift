public import ChildProcess
import FleetAPI
public import Foundation
public import Logging
public import Telemetry
import Tracing

/// Runs helm commands. It knows argument lists and exit codes; what to do about a release's state
/// is `ReleaseManager`'s business.
public struct HelmClient: Sendable {
    public let configuration: HelmConfiguration
    private let runner: ProcessRunner
    private let environment: [String: String]
    private let logger: Logger
    /// Told each helm run's command (`upgrade`, `repo update`, ...), outcome (`succeeded`, `failed`,
    /// `timed-out`, `cancelled`) and duration: the provisioner's metrics.
    public var observe: (@Sendable (_ command: String, _ outcome: String, _ duration: Duration) -> Void)?
    /// Makes a span of each run, under the caller's (the deployment's) span. Its attributes name
    /// the command, release and namespace, never values or other arguments.
    public var tracer = OTLPTracer.off

    public init(configuration: HelmConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        runner = ProcessRunner(gracePeriod: configuration.gracePeriod, outputLimit: configuration.outputLimit)
        var environment = configuration.environment
        // Every command gets an explicit --kubeconfig; an inherited one must never be used by mistake.
        environment["KUBECONFIG"] = nil
        self.environment = environment
    }

    /// Runs helm with `arguments` (plus `--kubeconfig` when given). Throws only when helm could not
    /// run at all or the caller was cancelled before it started; judge the exit with `check`.
    public func run(
        _ arguments: [String],
        kubeconfig: String? = nil,
        deadline: ContinuousClock.Instant,
        outputLimit: Int? = nil,
        onStart: (@Sendable (pid_t) -> Void)? = nil,
        takingOverLease: LeaseTakeover = .none
    ) async throws(HelmError) -> ProcessResult {
        var runner = outputLimit.map { ProcessRunner(gracePeriod: configuration.gracePeriod, outputLimit: $0) } ?? self.runner
        var spec = ProcessSpec(
            executable: configuration.executable,
            arguments: arguments + (kubeconfig.map { ["--kubeconfig", $0] } ?? []),
            environment: environment
        )
        if let leasing = configuration.leasing, let kubeconfig,
            let supervised = leasing.supervised(
                helm: configuration.executable,
                arguments: arguments,
                kubeconfig: kubeconfig,
                gracePeriod: configuration.gracePeriod,
                maxClockSkew: configuration.maxClockSkew,
                outputLimit: runner.outputLimit,
                takeover: takingOverLease
            )
        {
            spec = ProcessSpec(executable: leasing.supervisor, arguments: supervised, environment: environment)
            // Time for the supervisor to stop helm its own way and give up the Lease.
            runner.gracePeriod = configuration.gracePeriod + .seconds(2)
        }
        let command = Self.commandName(arguments)
        let span = tracer.startSpan("helm \(command)", context: InstrumentationContext.current ?? .topLevel, ofKind: .client)
        defer { span.end() }
        span.attributes["helm.command"] = command
        span.attributes["helm.release"] = Self.releaseName(arguments)
        span.attributes["k8s.namespace.name"] = Self.namespace(arguments)
        let result: ProcessResult
        do {
            result = try await runner.run(spec, deadline: deadline, onStart: onStart)
        } catch let error as ProcessError {
            span.setStatus(SpanStatus(code: .error, message: "helm could not run"))
            throw HelmError(kind: .notRunnable, command: command, message: error.description)
        } catch {
            throw HelmError(kind: .cancelled, command: command, message: "cancelled before helm started")
        }
        let outcome = Self.outcome(result)
        observe?(command, outcome, result.duration)
        span.attributes["helm.outcome"] = outcome
        if outcome != "succeeded" { span.setStatus(SpanStatus(code: .error, message: outcome)) }
        logger.debug(
            "helm finished",
            metadata: [
                "command": "\(command)", "status": "\(result.status)",
                "duration_ms": "\(result.duration.milliseconds)",
            ]
        )
        return result
    }

    /// Turns an unsuccessful result into a classified error.
    public func check(_ result: ProcessResult, arguments: [String]) throws(HelmError) {
        let command = Self.commandName(arguments)
        switch result.terminatedBy {
        case .cancelled:
            throw HelmError(kind: .cancelled, command: command, message: "cancelled; helm was stopped")
        case .deadlineExceeded:
            throw HelmError(kind: .deadlineExceeded, command: command, message: "deadline exceeded; helm was stopped")
        case nil:
            guard result.status.succeeded else {
                throw HelmError.classify(command: command, stderr: result.stderr, status: result.status)
            }
        }
    }

    /// Runs and checks a command that needs no cluster, returning its standard output.
    /// - Parameters:
    ///   - outputLimit: for a command whose whole output is the answer (`show crds` of a chart with
    ///     large CRDs): more than this fails rather than answering a part.
    ///   - deadline: for a command that is a step of a deployment, the deployment's; else
    ///     `commandTimeout` from now.
    public func output(_ arguments: [String], outputLimit: Int? = nil, deadline: ContinuousClock.Instant? = nil) async throws(HelmError) -> String {
        let result = try await run(arguments, deadline: deadline ?? .now + configuration.commandTimeout, outputLimit: outputLimit)
        try check(result, arguments: arguments)
        if outputLimit != nil, result.outputTruncated {
            throw HelmError(kind: .failed, command: Self.commandName(arguments), message: "printed more than \(outputLimit ?? 0) bytes")
        }
        return result.stdout
    }

    /// "upgrade", "repo add", "get values": the words before the first operand that is a name.
    static func outcome(_ result: ProcessResult) -> String {
        switch result.terminatedBy {
        case .deadlineExceeded: "timed-out"
        case .cancelled: "cancelled"
        case nil: result.status.succeeded ? "succeeded" : "failed"
        }
    }

    static func commandName(_ arguments: [String]) -> String {
        let words = ["repo", "get"].contains(arguments.first) ? 2 : 1
        return arguments.prefix(words).joined(separator: " ")
    }

    /// The namespace a command names with `--namespace`.
    static func namespace(_ arguments: [String]) -> String? {
        arguments.firstIndex(of: "--namespace").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
    }

    /// The release a command acts on: the first word after the command, for commands that take one.
    static func releaseName(_ arguments: [String]) -> String? {
        let releaseCommands: Set = ["upgrade", "install", "uninstall", "rollback", "status", "history", "test", "get"]
        guard let first = arguments.first, releaseCommands.contains(first) else { return nil }
        return arguments.dropFirst(first == "get" ? 2 : 1).first { !$0.hasPrefix("-") }
    }
}
