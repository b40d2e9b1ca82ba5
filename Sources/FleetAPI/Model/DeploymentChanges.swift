/// A page of the provisioner's change feed (`GET /api/deployments/changes`): the deployments whose
/// status changed since the caller's sequence number. The cloud server long-polls it so it learns
/// an outcome when it happens instead of at its next poll.
public struct DeploymentChanges: Codable, Sendable, Equatable {
    /// Identifies the provisioner process: sequence numbers of another process mean nothing here.
    public var instance: String
    /// Ask with `after` = this next time.
    public var sequence: UInt64
    public var deployments: [DeploymentStatus]

    public init(instance: String, sequence: UInt64, deployments: [DeploymentStatus]) {
        self.instance = instance
        self.sequence = sequence
        self.deployments = deployments
    }
}
