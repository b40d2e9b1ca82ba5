import HelmDriver

extension DeploymentFailure {
    /// A failed helm command, in the neutral kinds; its text stays "helm COMMAND: message".
    init(_ error: HelmError) {
        let kind: Kind =
            switch error.kind {
            case .releaseHeld: .releaseHeld
            case .timedOut: .timedOut
            case .clusterUnreachable: .clusterUnreachable
            case .chartNotFound: .chartNotFound
            case .releaseNotFound, .uninstalledWithErrors, .operationInProgress, .noDeployedReleases, .deadlineExceeded,
                .cancelled, .notRunnable, .unreadableOutput, .testFailed, .fieldConflict, .failed:
                .failed
            }
        self.init(kind, step: "helm \(error.command)", message: error.explanation)
    }
}
