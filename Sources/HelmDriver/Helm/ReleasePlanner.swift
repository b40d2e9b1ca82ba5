import FleetAPI

/// Pure decisions over a release's history, kept apart from running helm so each rule is testable.
public enum ReleasePlanner {
    /// What must happen before a new operation can start, or nil when the release is usable.
    /// A pending revision (its operation was killed) goes back to the last deployed revision, or
    /// away entirely if nothing was ever deployed; so does a release whose every revision failed,
    /// because Helm 3 refuses to upgrade it ("has no deployed releases"); and so does a release
    /// left `uninstalling` by an interrupted uninstall, which `upgrade --install` does not take
    /// for gone (only `uninstalled`: isReleaseUninstalled in v3's cmd/helm/upgrade.go, v4's
    /// pkg/cmd/upgrade.go): the uninstall is finished.
    public static func recovery(for history: [ReleaseRevision]) -> RecoveryAction? {
        guard let latest = history.max(by: { $0.revision < $1.revision }) else { return nil }
        if latest.status == .uninstalling { return .uninstall }
        let lastGood = lastDeployed(in: history, before: latest.revision)
        if latest.status.isPending {
            return lastGood.map { .rollback(toRevision: $0.revision) } ?? .uninstall
        }
        if latest.status == .failed, lastGood == nil {
            return .uninstall
        }
        return nil
    }

    /// What the policy does after a failed apply, judged on the history read after the failure.
    /// - Parameter failedRevision: a revision that deployed but failed afterwards (its tests), to
    ///   remediate as if helm had marked it failed.
    public static func remediation(for history: [ReleaseRevision], policy: RemediationPolicy, failedRevision: Int? = nil) -> RecoveryAction? {
        guard let latest = history.max(by: { $0.revision < $1.revision }) else { return nil }
        if latest.status.isPending { return recovery(for: history) }
        guard latest.status == .failed || latest.revision == failedRevision else { return nil }
        switch policy {
        case .rollback:
            return lastDeployed(in: history, before: latest.revision).map { .rollback(toRevision: $0.revision) }
                ?? .uninstall
        case .uninstall:
            return .uninstall
        case .none:
            return nil
        }
    }

    private static func lastDeployed(in history: [ReleaseRevision], before revision: Int) -> ReleaseRevision? {
        history.filter { $0.revision < revision && $0.status.wasDeployed }.max(by: { $0.revision < $1.revision })
    }
}
