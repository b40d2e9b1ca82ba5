#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
