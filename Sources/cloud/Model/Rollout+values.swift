import FleetAPI

extension Rollout {
    /// The rollout with every values document it holds (its target's, each cluster's target and
    /// previous state) passed through `transform`.
    func mappingValues(_ transform: (JSONValue?) -> JSONValue?) -> Rollout {
        var rollout = self
        rollout.target.values = transform(target.values)
        for index in rollout.clusters.indices {
            rollout.clusters[index].target?.values = transform(clusters[index].target?.values)
            rollout.clusters[index].previous?.values = transform(clusters[index].previous?.values)
        }
        return rollout
    }

    /// Every values document it holds.
    var allValues: [JSONValue?] {
        [target.values] + clusters.flatMap { [$0.target?.values, $0.previous?.values] }
    }
}
