public import Foundation

/// What a release operation tells its caller while it runs (for the deployment's status, logs and tests).
public struct ReleaseEvents: Sendable {
    /// Each helm process ID as it starts.
    public var helmStarted: (@Sendable (pid_t) -> Void)?
    /// What the operation is waiting for when it is not simply running helm; nil once it no longer waits.
    public var waiting: (@Sendable (String?) -> Void)?

    public init(helmStarted: (@Sendable (pid_t) -> Void)? = nil, waiting: (@Sendable (String?) -> Void)? = nil) {
        self.helmStarted = helmStarted
        self.waiting = waiting
    }
}
