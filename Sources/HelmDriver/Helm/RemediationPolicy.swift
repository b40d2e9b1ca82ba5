/// What to do with a release whose apply failed.
public enum RemediationPolicy: String, Sendable, CaseIterable {
    /// Roll back to the last revision that was deployed; a first install that failed is uninstalled.
    case rollback
    /// Uninstall the release on any failure.
    case uninstall
    /// Leave a failed release for inspection. Pending releases are still cleared: they would
    /// block every later operation on the release.
    case none
}
