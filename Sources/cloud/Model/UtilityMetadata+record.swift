import FleetAPI

extension UtilityMetadata {
    /// Records what a finished deployment left running, in the order the provisioners applied.
    /// Within one installation of the release that order is its revision: an apply whose revision
    /// is older than the one recorded changes nothing, however late its result arrives. Across
    /// installations (revisions start again at 1 after an uninstall) it is the order deployments
    /// end in, which is the order they ran: a cluster's service runs one deployment at a time, and
    /// its record is written in the transaction that ends it (`Supervisor.apply`). A delete clears
    /// the record. Returns whether it changed the record.
    @discardableResult
    mutating func recordFinished(_ deployment: Deployment) -> Bool {
        let service = deployment.service.rawValue
        switch deployment.action {
        case .apply: break
        case .delete:
            actualVersions[service] = .some(nil)
            actualReleases?[service] = nil
            drift?[service] = nil
            return true
        case .verify, .plan, .check: return false  // they change nothing
        }
        let seen = deployment.release.map { RecordedRelease($0, chartDigest: deployment.chartDigest) }
        if let seen, let recorded = actualReleases?[service], seen.isEarlierRevision(than: recorded) { return false }
        actualVersions[service] = .some(deployment.chart?.version.map { UtilityVersion(chart: $0) })
        var releases = actualReleases ?? [:]
        releases[service] = seen
        actualReleases = releases
        // What the last check found is about the release before this change.
        drift?[service] = nil
        return true
    }

    /// Records the release a drift check found deployed when it is not the one recorded: a newer
    /// revision, or another installation (the release is the truth: an apply's result lost, a
    /// `helm upgrade` or a reinstall by hand). Returns whether it changed the record.
    @discardableResult
    mutating func recordDeployed(_ service: ServiceName, release: ReleaseInfo) -> Bool {
        guard release.status == .deployed, let version = ChartVersion.version(inChart: release.chart) else { return false }
        guard actualVersions[service.rawValue] != nil else { return false }  // only utilities the record holds
        let seen = RecordedRelease(release)
        if let recorded = actualReleases?[service.rawValue] {
            guard recorded.isEarlierRevision(than: seen) || !recorded.isSameInstallation(as: seen) else { return false }
        }
        actualVersions[service.rawValue] = .some(UtilityVersion(chart: version))
        var releases = actualReleases ?? [:]
        releases[service.rawValue] = seen
        actualReleases = releases
        return true
    }
}

extension RecordedRelease {
    /// Whether both were seen of one installation of the release; unknown counts as the same, so
    /// that revisions still order what was recorded without it.
    func isSameInstallation(as other: RecordedRelease) -> Bool {
        firstDeployed == nil || other.firstDeployed == nil || firstDeployed == other.firstDeployed
    }

    /// Whether this is an earlier revision of the same installation than `other`. Of two
    /// installations, neither is earlier by this: their times come from the machines that installed.
    func isEarlierRevision(than other: RecordedRelease) -> Bool {
        isSameInstallation(as: other) && revision < other.revision
    }
}
