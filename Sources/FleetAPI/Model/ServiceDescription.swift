/// What `GET /api/services` says about a service: the provisioner writes it from the service's
/// declaration, the cloud server reads which names exist and what each waits for.
public struct ServiceDescription: Codable, Sendable, Equatable {
    public var name: ServiceName
    /// The chart's name, its repository's URL and local name, and the version deployed by default.
    public var chart: String
    public var repository: String
    public var repositoryName: String
    public var defaultVersion: String
    /// Where it is released.
    public var namespace: String
    public var release: String
    /// The shipped values, YAML.
    public var defaultValues: String
    public var hookWaits: Int
    /// Services to deploy before it.
    public var dependsOn: [ServiceName]
    /// How it is deployed (`helm`).
    public var strategy: String
    /// Its place in the deploy order (0 first), derived from every service's `dependsOn`.
    public var order: Int
    /// Services it cannot run beside on one cluster (e.g. two ways of running Prometheus that
    /// both claim its DNS name).
    public var conflictsWith: [ServiceName]

    public init(
        name: ServiceName,
        chart: String = "",
        repository: String = "",
        repositoryName: String = "",
        defaultVersion: String = "",
        namespace: String = "",
        release: String = "",
        defaultValues: String = "",
        hookWaits: Int = 0,
        dependsOn: [ServiceName] = [],
        strategy: String = "helm",
        order: Int = 0,
        conflictsWith: [ServiceName] = []
    ) {
        self.name = name
        self.chart = chart
        self.repository = repository
        self.repositoryName = repositoryName
        self.defaultVersion = defaultVersion
        self.namespace = namespace
        self.release = release
        self.defaultValues = defaultValues
        self.hookWaits = hookWaits
        self.dependsOn = dependsOn
        self.strategy = strategy
        self.order = order
        self.conflictsWith = conflictsWith
    }

    /// Only the name is required: a provisioner of an older version published fewer fields (one
    /// from before `DependsOn` names no prerequisites).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(ServiceName.self, forKey: .name),
            chart: try container.decodeIfPresent(String.self, forKey: .chart) ?? "",
            repository: try container.decodeIfPresent(String.self, forKey: .repository) ?? "",
            repositoryName: try container.decodeIfPresent(String.self, forKey: .repositoryName) ?? "",
            defaultVersion: try container.decodeIfPresent(String.self, forKey: .defaultVersion) ?? "",
            namespace: try container.decodeIfPresent(String.self, forKey: .namespace) ?? "",
            release: try container.decodeIfPresent(String.self, forKey: .release) ?? "",
            defaultValues: try container.decodeIfPresent(String.self, forKey: .defaultValues) ?? "",
            hookWaits: try container.decodeIfPresent(Int.self, forKey: .hookWaits) ?? 0,
            dependsOn: try container.decodeIfPresent([ServiceName].self, forKey: .dependsOn) ?? [],
            strategy: try container.decodeIfPresent(String.self, forKey: .strategy) ?? "helm",
            order: try container.decodeIfPresent(Int.self, forKey: .order) ?? 0,
            conflictsWith: try container.decodeIfPresent([ServiceName].self, forKey: .conflictsWith) ?? []
        )
    }
}
