import Internal

extension UtilityMetadata {
    /// Records what a finished deployment left running, in the order the provisioners applied:
    /// by the Helm release revision each apply produced, never by when its result arrived (after a
    /// newer one, from a restart that replays finished statuses, or from a re-dispatch). An apply
    /// whose revision is older than the one recorded changes nothing; a delete clears the record.
    /// Returns whether it changed the record.
    @discardableResult
    mutating func recordFinished(_ deployment: Deployment) -> Bool {
        let service = deployment.service.rawValue
        switch deployment.action {
        case .apply: break
        case .delete:
            actualVersions[service] = .some(nil)
            actualRevisions?[service] = nil
            drift?[service] = nil
            return true
        case .verify, .plan, .check: return false  // they change nothing
        }
        let revision = deployment.release?.revision
        if let revision, let recorded = actualRevisions?[service], revision < recorded { return false }
        actualVersions[service] = .some(deployment.chart?.version.map { UtilityVersion(chart: $0) })
        var revisions = actualRevisions ?? [:]
        revisions[service] = revision
        actualRevisions = revisions
        // What the last check found is about the release before this change.
        drift?[service] = nil
        return true
    }

    /// Records the release a drift check found deployed, when it is newer than the record (the
    /// release is the truth: an apply's result lost or recorded out of order, a `helm upgrade` by
    /// hand). Returns whether it changed the record.
    @discardableResult
    mutating func recordDeployed(_ service: ServiceName, release: ReleaseInfo) -> Bool {
        guard release.status == .deployed, let version = ChartVersion.version(inChart: release.chart) else { return false }
        let recorded = actualRevisions?[service.rawValue]
        guard recorded.map({ release.revision > $0 }) ?? true else { return false }
        guard actualVersions[service.rawValue] != nil || recorded != nil else { return false }
        actualVersions[service.rawValue] = .some(UtilityVersion(chart: version))
        var revisions = actualRevisions ?? [:]
        revisions[service.rawValue] = release.revision
        actualRevisions = revisions
        return true
    }
}
