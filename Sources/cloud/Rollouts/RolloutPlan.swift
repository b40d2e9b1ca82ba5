/// The waves a rollout goes through, fixed when it is created: the canaries on their own, then
/// the other clusters in batches, in the order the targets were selected.
struct RolloutPlan: Sendable, Equatable {
    /// Cluster IDs, wave by wave; no wave is empty and each cluster is in exactly one.
    var waves: [[String]]

    enum Canaries: Sendable, Equatable {
        case none
        /// The first N targets.
        case first(Int)
        /// These clusters, which must be among the targets.
        case clusters([String])
    }

    struct Invalid: Error, Equatable, CustomStringConvertible {
        var field: String
        var description: String
    }

    /// The waves `targets` go in with `strategy`'s canaries and batch size.
    init(targets: [String], strategy: RolloutStrategy) throws(Invalid) {
        let canaries: Canaries =
            !strategy.canaryClusters.isEmpty ? .clusters(strategy.canaryClusters) : strategy.canaries > 0 ? .first(strategy.canaries) : .none
        try self.init(targets: targets, canaries: canaries, batchSize: strategy.batchSize)
    }

    init(targets: [String], canaries: Canaries, batchSize: RolloutShare) throws(Invalid) {
        var seen: Set<String> = []
        let targets = targets.filter { seen.insert($0).inserted }
        guard !targets.isEmpty else { throw Invalid(field: "Targets", description: "the selection matches no cluster") }
        let canary: [String]
        switch canaries {
        case .none:
            canary = []
        case .first(let count):
            guard count >= 0, count < targets.count else {
                throw Invalid(field: "Canary", description: "\(count) canaries leave none of the \(targets.count) clusters for the batches")
            }
            canary = Array(targets.prefix(count))
        case .clusters(let ids):
            if let stranger = ids.first(where: { !seen.contains($0) }) {
                throw Invalid(field: "CanaryClusters", description: "canary cluster \(stranger) is not among the rollout's clusters")
            }
            canary = targets.filter(Set(ids).contains)
        }
        let isCanary = Set(canary)
        let rest = targets.filter { !isCanary.contains($0) }
        let size = max(1, batchSize.count(of: rest.count, roundingUp: true))
        waves =
            (canary.isEmpty ? [] : [canary])
            + stride(from: 0, to: rest.count, by: size).map {
                Array(rest[$0..<min($0 + size, rest.count)])
            }
    }
}
