import Internal

/// How a service is deployed; each strategy has one `Deployer`.
enum DeploymentStrategy: String, Sendable, Hashable, Codable, CaseIterable {
    case helm

    /// What two operations on a cluster must not hold at once: for helm, one release.
    func lockKey(server: String, service: any ThirdPartyService) -> LockKey {
        switch self {
        case .helm: LockKey(server: server, resource: "helm:\(service.release)")
        }
    }
}
