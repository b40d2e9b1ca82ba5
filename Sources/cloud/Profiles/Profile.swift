import FleetAPI

/// A fleet profile: which clusters (`selector`), which services on them at which chart versions
/// and values, and how changes reach them (`strategy`, `window`). Read from a YAML or JSON document
/// with Kubernetes-style camelCase keys (`Profile+document.swift`); the cloud server keeps every
/// matching cluster at its profiles' state.
struct Profile: Sendable, Equatable {
    var name: String
    var selector: LabelSelector
    /// Keyed by service name.
    var services: [String: Service]
    var strategy: Strategy
    /// When a change's waves may start; nil: at any time.
    var window: MaintenanceWindow?
    var onLeave: OnLeave
    var newClusters: NewClusters
    /// Two profiles setting the same (cluster, service) must differ here; the higher wins.
    var priority: Int

    struct Service: Sendable, Equatable {
        var chartVersion: String?
        /// Another chart repository (a mirror, an `oci://` registry); nil: the service's own.
        var chartRepository: String? = nil
        /// The content every cluster gets (an OCI manifest digest, or a chart archive's sha256), with `chartVersion`.
        var chartDigest: String? = nil
        /// Each string leaf a template over the cluster.
        var values: ValuesTemplate?
        var dependsOn: [String]
        /// The first entry whose range holds the cluster's Kubernetes version picks the chart
        /// version; none matching: `chartVersion`.
        var versionsByKubernetes: [KubernetesVersionChoice]
    }

    struct KubernetesVersionChoice: Sendable, Equatable {
        var kubernetes: VersionRange
        var chartVersion: String
    }

    /// The rollout strategy of `POST /api/rollouts`, as a profile declares it.
    struct Strategy: Sendable, Equatable {
        var canary = 0
        var batchSize = "25%"
        var maxFailures = "0"
        var soakSeconds = 0
        var timeoutSeconds = 600
        var approval = "none"
        var test = false
        var retries = 0
        var retryBackoffSeconds: Int?
        /// Each wave judged by its clusters' metrics, as `rollout create --analysis` takes it.
        var analysis: RolloutAnalysisRequest?
    }

    enum OnLeave: String, Codable, Sendable, Equatable, CaseIterable {
        case keep
        case remove
    }

    enum NewClusters: String, Sendable, Equatable, CaseIterable {
        case immediate
        case nextWindow = "next-window"
    }

    /// Whether what the profile renders depends on the cluster's Kubernetes version.
    var needsKubernetesVersion: Bool {
        services.values.contains { !$0.versionsByKubernetes.isEmpty || $0.values?.usesKubernetesVersion == true }
    }

    /// The chart version `service` gets on a cluster running Kubernetes `version` (nil: unknown).
    func chartVersion(of service: Service, kubernetes version: SemanticVersion?) -> String? {
        if let version, let choice = service.versionsByKubernetes.first(where: { $0.kubernetes.contains(version) }) {
            return choice.chartVersion
        }
        return service.chartVersion
    }
}
