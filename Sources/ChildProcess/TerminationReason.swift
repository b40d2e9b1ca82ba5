/// Why the runner stopped a process itself, rather than the process ending on its own.
public enum TerminationReason: String, Sendable, Equatable {
    case deadlineExceeded
    case cancelled
}
