public import FleetAPI

extension RemediationRecord {
    public init(_ action: RecoveryAction, error: String?) {
        switch action {
        case .rollback(let revision): self.init(action: "rollback", revision: revision, error: error)
        case .uninstall: self.init(action: "uninstall", revision: nil, error: error)
        }
    }
}
