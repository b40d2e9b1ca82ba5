/// What a deployment tells its caller while it runs.
struct DeploymentEvents: Sendable {
    /// What the deployment is waiting for (e.g. another operation on the release); nil once it no
    /// longer waits.
    var waiting: (@Sendable (String?) -> Void)?

    init(waiting: (@Sendable (String?) -> Void)? = nil) {
        self.waiting = waiting
    }
}
