import HelmDriver

extension DeploymentResult {
    /// A release operation's result: the outcome in neutral terms, the release's records as details.
    init(_ result: ReleaseResult) {
        let outcome: DeploymentOutcome =
            switch result.outcome {
            case .succeeded: .succeeded
            case .failed(let error): .failed(DeploymentFailure(error))
            case .workspaceFailed(let message): .failed(DeploymentFailure(.failed, step: "workspace", message: message))
            case .cancelled: .cancelled
            case .deadlineExceeded: .deadlineExceeded
            }
        self.init(
            outcome: outcome,
            details: DeploymentDetails(
                report: .helm(HelmReport(recovery: result.recovery, remediation: result.remediation, release: result.release)),
                log: result.log
            )
        )
        details.plan = result.plan
    }
}
