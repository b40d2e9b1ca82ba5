#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command to run: the executable, its arguments and its whole environment.
public struct ProcessSpec: Sendable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]

    public init(executable: String, arguments: [String], environment: [String: String]) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }
}

public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var succeeded: Bool { self == .exited(0) }

    public var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

/// Why the runner stopped a process itself, rather than the process ending on its own.
public enum TerminationReason: String, Sendable, Equatable {
    case deadlineExceeded
    case cancelled
}

public struct ProcessResult: Sendable {
    public var pid: pid_t
    public var status: ExitStatus
    public var stdout: String
    public var stderr: String
    /// Set when output beyond the runner's limit was dropped (the head is dropped; the tail is kept).
    public var outputTruncated: Bool
    public var terminatedBy: TerminationReason?
    public var duration: Duration
}

public enum ProcessError: Error, CustomStringConvertible, Equatable {
    case executableNotFound(String)
    case launchFailed(executable: String, errno: Int32)

    public var description: String {
        switch self {
        case .executableNotFound(let name): "executable \"\(name)\" not found on PATH"
        case .launchFailed(let executable, let code): "cannot start \(executable): \(String(cString: strerror(code)))"
        }
    }
}
