import FleetAPI

/// What the profiles last asked of each (cluster, service) (`ProfileTarget`), written with the
/// work that carries it out (`createDeployments`, `createRollout`); and the leases by which one of
/// several cloud servers sharing a database runs a fleet-wide task such as keeping profiles true.
protocol ProfileTargetStore: Sendable {
    /// Every target, in cluster and service order.
    func profileTargets() async throws -> [ProfileTarget]
    func profileTarget(cluster: String, service: ServiceName) async throws -> ProfileTarget?
    /// Writes target changes that need no work (a failed render, a revision that renders the same).
    func changeProfileTargets(_ changes: [ProfileTargetChange]) async throws
    /// Takes or renews the lease called `name` until `until` unless another owner holds it past
    /// `now`; whether `owner` holds it afterwards.
    func claimLeadership(_ name: String, owner: String, now: Int64, until: Int64) async throws -> Bool
}
