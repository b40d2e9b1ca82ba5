import FleetAPI

extension ReleaseInfo {
    /// A release as Helm's storage keeps it: its name and namespace, and its latest revision.
    init(_ release: ReleaseRef, latest: ReleaseRevision) {
        self.init(
            name: release.name,
            namespace: release.namespace,
            revision: latest.revision,
            status: latest.status,
            chart: latest.chart
        )
    }
}
