/// What applying a chart and values would change in a release: counts, whether the chart and the
/// values differ from what is deployed, and a unified diff per object (Secret values as digests).
/// A provisioner's `plan` action answers it; nothing on the cluster changes to make it.
public struct ReleasePlan: Codable, Sendable, Hashable {
    public var added: Int
    public var changed: Int
    public var removed: Int
    /// `name-version` of the deployed chart (nil: not installed) and of the planned one.
    public var currentChart: String?
    public var plannedChart: String
    public var chartChanged: Bool
    public var valuesChanged: Bool
    public var objects: [ObjectChange]

    public var hasChanges: Bool { added + changed + removed > 0 || chartChanged || valuesChanged }

    public struct ObjectChange: Codable, Sendable, Hashable {
        public enum Change: String, Codable, Sendable { case added, changed, removed }
        /// `Kind/namespace/name` (`Kind/name` when cluster-scoped).
        public var object: String
        public var change: Change
        public var diff: String

        public init(object: String, change: Change, diff: String) {
            self.object = object
            self.change = change
            self.diff = diff
        }
    }

    public init(
        added: Int,
        changed: Int,
        removed: Int,
        currentChart: String?,
        plannedChart: String,
        valuesChanged: Bool,
        objects: [ObjectChange]
    ) {
        self.added = added
        self.changed = changed
        self.removed = removed
        self.currentChart = currentChart
        self.plannedChart = plannedChart
        chartChanged = currentChart != plannedChart
        self.valuesChanged = valuesChanged
        self.objects = objects
    }
}
