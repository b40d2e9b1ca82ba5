import HelmDriver

/// How a service is deployed, with what that way of deploying needs. Each kind has one
/// `Deployer`.
enum DeploymentStrategy: Sendable, Equatable {
    /// A Helm chart, installed and upgraded as one release.
    case helm(HelmRelease)
    /// Kubernetes objects an operator reconciles, applied server-side as one set.
    case objects(ObjectsRelease)

    /// Which deployer deploys it; what `GET /api/services` says as `Strategy`.
    enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case helm
        case objects
    }

    var kind: Kind {
        switch self {
        case .helm: .helm
        case .objects: .objects
        }
    }

    /// The Helm release, for the helm strategy.
    var helm: HelmRelease? {
        if case .helm(let release) = self { release } else { nil }
    }

    /// The object set, for the objects strategy.
    var objects: ObjectsRelease? {
        if case .objects(let release) = self { release } else { nil }
    }

    /// The version deployed when a request names none: the chart's default, or the objects' own.
    var defaultVersion: String {
        switch self {
        case .helm(let helm): helm.chart.defaultVersion
        case .objects(let objects): objects.version
        }
    }

    /// What two operations on a cluster must not hold at once: for helm, one release; for
    /// objects, one set.
    func lockKey(server: String) -> LockKey {
        switch self {
        case .helm(let helm): LockKey(server: server, resource: "helm:\(helm.release)")
        case .objects(let objects): LockKey(server: server, resource: "objects:\(objects.namespace)/\(objects.name)")
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
    /// What happens to the chart's CustomResourceDefinitions (`crds/`, its subcharts' too).
    var crds = CRDPolicy.skip
}

/// What a helm service does with its chart's CRDs. Helm creates them on a first install and never
/// touches them again (pkg/action/upgrade.go does not read `crds/`), so a chart whose new version
/// needs newer CRDs upgrades into a cluster that lacks them; Flux's `upgrade.crds` and Sveltos'
/// `upgradeCRDs` exist for that.
enum CRDPolicy: String, Sendable, Equatable {
    /// Helm's own way: created on install, left alone after.
    case skip
    /// Created before every apply when missing; existing ones left as they are.
    case create
    /// Applied server-side before every apply, created or replaced (Flux's `CreateReplace`).
    case createReplace
}
