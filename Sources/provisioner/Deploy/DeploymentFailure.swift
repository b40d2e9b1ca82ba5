/// Why a deployment failed, classified so callers branch on the kind, never on message text.
struct DeploymentFailure: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: String, Sendable, Equatable {
        case failed
        /// The cluster did not become ready in time (resources, hooks).
        case timedOut
        /// The cluster's API server could not be reached or did not answer in time.
        case clusterUnreachable
        case chartNotFound
        /// Another operation still held the release at the deadline; this one changed nothing and
        /// may be sent again.
        case releaseHeld
        /// The request could not be carried out as given (e.g. its kubeconfig is invalid).
        case invalidInput
    }

    var kind: Kind
    /// What failed, e.g. "helm upgrade", "kubeconfig", "afterApply hook".
    var step: String
    var message: String

    init(_ kind: Kind, step: String, message: String) {
        self.kind = kind
        self.step = step
        self.message = message
    }

    var description: String { "\(step): \(message)" }
}
