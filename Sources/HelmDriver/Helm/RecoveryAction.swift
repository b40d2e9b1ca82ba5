/// What to do when a release is not in a state an operation can start from.
public enum RecoveryAction: Sendable, Hashable {
    case rollback(toRevision: Int)
    case uninstall
}
