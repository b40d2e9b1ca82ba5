/// What a deployer's work came to: how it ended, and what it did on the way.
struct DeploymentResult: Sendable, Equatable {
    var outcome: DeploymentOutcome
    var details: DeploymentDetails

    init(outcome: DeploymentOutcome, details: DeploymentDetails = DeploymentDetails()) {
        self.outcome = outcome
        self.details = details
    }

    init(failure: DeploymentFailure) {
        self.init(outcome: .failed(failure))
    }
}
