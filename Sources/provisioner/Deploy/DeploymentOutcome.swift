/// How a deployer's work on one request ended, in terms every strategy can report.
enum DeploymentOutcome: Sendable, Equatable {
    case succeeded
    case failed(DeploymentFailure)
    /// The caller cancelled; the strategy stopped its work and cleaned up.
    case cancelled
    /// The request's deadline stopped the work.
    case deadlineExceeded
}
