import FleetAPI

/// What a set of profiles asks of clusters: for each cluster and service, the profile that decides
/// it (the highest priority among those whose selector matches) and the deployment it renders to,
/// or why rendering failed for that cluster. Pure: the cloud server feeds it the clusters and
/// profiles it stores, and rolls out the differences.
enum ProfileEvaluation {
    /// One service on one cluster, as its deciding profile asks.
    struct Target: Sendable, Equatable {
        var profile: String
        /// The apply it asks for; nil when rendering failed for this cluster (`failure` says why).
        var spec: DeploymentSpec?
        var failure: String?
    }

    /// Two profiles that would both set the same services on the same clusters.
    struct Conflict: Sendable, Equatable, CustomStringConvertible {
        var profile: String
        var services: [String]
        var clusters: [String]
        var description: String {
            let shown = clusters.prefix(10).joined(separator: ", ") + (clusters.count > 10 ? " and \(clusters.count - 10) more" : "")
            return "profile \(profile) also sets \(services.joined(separator: ", ")) on \(shown) at the same priority; give one a higher priority"
        }
    }

    /// The first profile among `others` that sets one of `profile`'s services on a cluster both
    /// select, at the same priority: applying `profile` is refused then, naming the clusters.
    static func conflict(of profile: Profile, with others: [Profile], clusters: [ValuesTemplate.ClusterFacts]) -> Conflict? {
        for other in others.sorted(by: { $0.name < $1.name }) where other.name != profile.name && other.priority == profile.priority {
            let services = Set(profile.services.keys).intersection(other.services.keys).sorted()
            guard !services.isEmpty else { continue }
            let shared = clusters.filter { profile.selector.matches($0.labels) && other.selector.matches($0.labels) }.map(\.name)
            if !shared.isEmpty { return Conflict(profile: other.name, services: services, clusters: shared.sorted()) }
        }
        return nil
    }

    /// Every service `profiles` set on `cluster`, keyed by service name.
    static func targets(for cluster: ValuesTemplate.ClusterFacts, profiles: [Profile]) -> [String: Target] {
        let version = cluster.kubernetesVersion.flatMap(SemanticVersion.init(lenient:))
        var chosen: [String: (priority: Int, target: Target)] = [:]
        // By name, so that of two profiles at one priority (refused when applied, but possible
        // with profiles from before) the same one wins on every server.
        for profile in profiles.sorted(by: { $0.name < $1.name }) where profile.selector.matches(cluster.labels) {
            for (service, declared) in profile.services {
                if let current = chosen[service], current.priority >= profile.priority { continue }
                chosen[service] = (profile.priority, target(profile, declared, cluster, version))
            }
        }
        return chosen.mapValues(\.target)
    }

    private static func target(
        _ profile: Profile,
        _ service: Profile.Service,
        _ cluster: ValuesTemplate.ClusterFacts,
        _ version: SemanticVersion?
    ) -> Target {
        guard let chart = profile.chartVersion(of: service, kubernetes: version) else {
            let reason =
                "no chart version: the cluster's Kubernetes version \(cluster.kubernetesVersion ?? "is not known") matches no versionsByKubernetes entry"
            return Target(profile: profile.name, failure: reason)
        }
        do {
            let values = try service.values.map { template throws(ValuesTemplate.Failure) in try template.render(for: cluster) }
            let request = ChartRequest(version: chart, repository: service.chartRepository, digest: service.chartDigest)
            return Target(profile: profile.name, spec: DeploymentSpec(action: .apply, chart: request, values: values))
        } catch {
            return Target(profile: profile.name, failure: "\(error)")
        }
    }
}
