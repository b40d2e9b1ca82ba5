import HelmDriver

/// How a service is deployed, with what that way of deploying needs. Each kind has one
/// `Deployer`; the operator-based strategy will be a second case with data of its own.
enum DeploymentStrategy: Sendable, Equatable {
    /// A Helm chart, installed and upgraded as one release.
    case helm(HelmRelease)

    /// Which deployer deploys it; what `GET /api/services` says as `Strategy`.
    enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case helm
    }

    var kind: Kind {
        switch self {
        case .helm: .helm
        }
    }

    /// The Helm release, for the helm strategy.
    var helm: HelmRelease? {
        switch self {
        case .helm(let release): release
        }
    }

    /// What two operations on a cluster must not hold at once: for helm, one release.
    func lockKey(server: String) -> LockKey {
        switch self {
        case .helm(let helm): LockKey(server: server, resource: "helm:\(helm.release)")
        }
    }
}

/// What the helm strategy deploys: a chart, as one release.
struct HelmRelease: Sendable, Equatable {
    var chart: ChartSpec
    var release: ReleaseRef
    /// Hook Jobs or Pods the chart runs on install and upgrade with the shipped values; helm
    /// waits for each up to its `--timeout`, so they share the deployment's deadline (`HelmTimeout`).
    var hookWaits = 0
}
