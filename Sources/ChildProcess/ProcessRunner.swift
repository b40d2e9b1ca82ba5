import Dispatch
import FleetAPI

#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a command in its own process group with bounded output capture, an optional deadline and
/// task cancellation. Stopping a process means SIGTERM to its whole group, then SIGKILL once the
/// grace period is over: wrappers such as a `helm` shell script take their children with them.
public struct ProcessRunner: Sendable {
    public var gracePeriod: Duration
    /// Bytes kept per stream; the tail is kept because that is where errors are.
    public var outputLimit: Int

    public init(gracePeriod: Duration = .seconds(10), outputLimit: Int = 1 << 20) {
        self.gracePeriod = gracePeriod
        self.outputLimit = outputLimit
    }

    /// - Parameter onStart: told the process ID (which is also its process group ID) once it runs.
    public func run(
        _ spec: ProcessSpec,
        deadline: ContinuousClock.Instant? = nil,
        onStart: (@Sendable (pid_t) -> Void)? = nil
    ) async throws -> ProcessResult {
        try Task.checkCancellation()
        let process = try SpawnedProcess.spawn(spec, outputLimit: outputLimit)
        onStart?(process.pid)
        let grace = gracePeriod
        // A dispatch timer, not a task: the deadline must hold even when every cooperative thread
        // is busy.
        let watchdog = deadline.map { deadline in
            let timer = DispatchWorkItem { process.terminate(.deadlineExceeded, gracePeriod: grace) }
            DispatchQueue.global().asyncAfter(deadline: .now() + max(0, (deadline - .now).seconds), execute: timer)
            return timer
        }
        defer { watchdog?.cancel() }
        return await withTaskCancellationHandler {
            await process.result()
        } onCancel: {
            process.terminate(.cancelled, gracePeriod: grace)
        }
    }
}

/// Resolves a bare command name against the PATH of the environment the command will get.
func resolveExecutable(_ name: String, environment: [String: String]) throws -> String {
    if name.contains("/") { return name }
    let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") where !directory.isEmpty {
        let candidate = "\(directory)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    throw ProcessError.executableNotFound(name)
}
