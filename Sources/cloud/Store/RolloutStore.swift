/// Rollouts, written with what each advance starts (`RolloutWrites`) and read with what it
/// advances from (`RolloutFacts`).
protocol RolloutStore: Sendable {
    /// Writes a new rollout; refused (`conflict`, naming it) when an active rollout already
    /// targets one of its clusters for the same service. `profileTargets` are written with it:
    /// what the profiles asked that this rollout carries out.
    func createRollout(_ rollout: Rollout, audit: AuditEntry?, profileTargets: [ProfileTargetChange]) async throws
    func rollout(_ id: String) async throws -> Rollout?
    /// Newest first.
    func rollouts(state: RolloutState?, page: Int, perPage: Int) async throws -> [Rollout]
    /// The IDs of the rollouts not yet final, oldest first.
    func unfinishedRollouts() async throws -> [String]
    /// Reads, changes and writes one rollout in one transaction, with what the change asks to
    /// write alongside (its new deployments and the clusters' desired versions). With
    /// `gatheringFacts`, the change gets the recorded facts `RolloutLifecycle` advances from.
    @discardableResult
    func updateRollout(
        _ id: String,
        gatheringFacts: Bool,
        audit: AuditEntry?,
        _ change: @Sendable (inout Rollout, RolloutFacts) throws -> RolloutWrites
    ) async throws -> Rollout
}

extension RolloutStore {
    func createRollout(_ rollout: Rollout, audit: AuditEntry?) async throws {
        try await createRollout(rollout, audit: audit, profileTargets: [])
    }
}
