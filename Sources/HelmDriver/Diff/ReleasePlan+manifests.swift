public import FleetAPI

extension ReleasePlan {
    /// Compares the deployed release (empty manifest and nil chart when none) with the planned one.
    public init(
        current: ManifestObjects,
        planned: ManifestObjects,
        currentChart: String?,
        plannedChart: String,
        valuesChanged: Bool
    ) {
        var objects: [ObjectChange] = []
        for key in Set(current.objects.keys).union(planned.objects.keys).sorted() {
            let old = current.objects[key] ?? ""
            let new = planned.objects[key] ?? ""
            guard old != new else { continue }
            let change: ObjectChange.Change = old.isEmpty ? .added : new.isEmpty ? .removed : .changed
            objects.append(ObjectChange(object: key.description, change: change, diff: LineDiff.unified(old, new)))
        }
        self.init(
            added: objects.count { $0.change == .added },
            changed: objects.count { $0.change == .changed },
            removed: objects.count { $0.change == .removed },
            currentChart: currentChart,
            plannedChart: plannedChart,
            valuesChanged: valuesChanged,
            objects: objects
        )
    }
}
