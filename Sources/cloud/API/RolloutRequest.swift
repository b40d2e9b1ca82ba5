import FleetAPI
import ServerSupport

/// `POST /api/rollouts`: what to roll out, where, and how. Every field is checked before anything
/// is written, and a refusal names the field.
struct RolloutRequest: Decodable {
    var service: ServiceName
    var action: DeploymentAction?
    var chart: ChartRequest?
    var values: JSONValue?
    var valuesFrom: [ValueReference]?
    /// Where: exactly one of these.
    var selector: [String: String]?
    var clusters: [String]?
    var all: Bool?
    var canary: Int?
    var canaryClusters: [String]?
    var batchSize: String?
    var maxFailures: String?
    var soakSeconds: Int?
    var timeoutSeconds: Int?
    var approval: String?
    var test: Bool?
    var retries: Int?
    var retryBackoffSeconds: Int?
    var analysis: RolloutAnalysisRequest?

    static let defaultTimeoutSeconds = 600
    static let soakRange = 0...86_400
    /// Bounds what one request can make the server hold and plan.
    static let maxClusters = 10_000

    /// The target and strategy, checked field by field; `metricsTokens` name the bearer tokens an
    /// analysis may ask for (nil: not checked here).
    func validated(metricsTokens: Set<String>? = []) throws(APIError) -> (target: DeploymentSpec, strategy: RolloutStrategy) {
        let action = action ?? .apply
        guard action != .verify else { throw .badRequest("a rollout applies or deletes; Action must be apply or delete", field: "Action") }
        try DeploymentFieldRules.validate(chart: chart, values: values, timeoutSeconds: timeoutSeconds)
        if action == .apply, chart?.version == nil {
            throw .badRequest("a rollout applies one chart version to every cluster: give Chart.Version", field: "Chart.Version")
        }
        if action == .delete, chart != nil || values != nil || valuesFrom != nil {
            throw .badRequest("a delete takes no chart or values", field: chart != nil ? "Chart" : values != nil ? "Values" : "ValuesFrom")
        }
        try DeploymentFieldRules.validate(valuesFrom: valuesFrom, values: values)
        let batchSize = try Self.share(batchSize ?? "25%", field: "BatchSize", allowZero: false)
        let maxFailures = try Self.share(maxFailures ?? "0", field: "MaxFailures", allowZero: true)
        let soak = soakSeconds ?? 0
        guard Self.soakRange.contains(soak) else {
            throw .badRequest("SoakSeconds must be between 0 and 86400", field: "SoakSeconds")
        }
        guard let approval = RolloutApproval(rawValue: approval ?? "none") else {
            let known = RolloutApproval.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badRequest("Approval must be one of \(known)", field: "Approval")
        }
        if let canary, canary < 0 { throw .badRequest("Canary must be 0 or more", field: "Canary") }
        if canary ?? 0 > 0, canaryClusters?.isEmpty == false {
            throw .badRequest("give Canary (a number) or CanaryClusters (IDs), not both", field: "CanaryClusters")
        }
        var strategy = RolloutStrategy(
            batchSize: batchSize,
            maxFailures: maxFailures,
            soakSeconds: soak,
            timeoutSeconds: timeoutSeconds ?? Self.defaultTimeoutSeconds,
            approval: approval,
            canaries: canary ?? 0,
            canaryClusters: canaryClusters ?? []
        )
        strategy.retry = try RetryPolicy.validated(retries: retries, backoffSeconds: retryBackoffSeconds)
        strategy.analysis = try analysis?.validated(tokens: metricsTokens)
        if approval == .afterCanary, !strategy.hasCanaryWave {
            throw .badRequest("after-canary approval needs canaries (Canary or CanaryClusters)", field: "Approval")
        }
        try DeploymentFieldRules.validate(test: test, action: action)
        return (DeploymentSpec(action: action, chart: chart, values: values, valuesFrom: valuesFrom, test: test), strategy)
    }

    /// The clusters chosen, in selection order: the IDs as given, or the matching clusters in the
    /// order they were registered. Unknown IDs are refused.
    func targets(among clusters: [ClusterSummary]) throws(APIError) -> (ids: [String], description: String) {
        let given = [selector != nil, self.clusters != nil, all == true].count { $0 }
        guard given == 1 else { throw .badRequest("give exactly one of Selector, Clusters or All", field: "Selector") }
        let ids: [String]
        let description: String
        if let selector {
            guard !selector.isEmpty else { throw .badRequest("Selector needs at least one KEY=VALUE", field: "Selector") }
            let wanted = selector.map { "\($0.key)=\($0.value)" }
            ids = clusters.filter { cluster in wanted.allSatisfy(cluster.labels.contains) }.map(\.id)
            description = "selector " + wanted.sorted().joined(separator: ",")
        } else if let named = self.clusters {
            let known = Set(clusters.map(\.id))
            if let stranger = named.first(where: { !known.contains($0) }) {
                throw .badRequest("cluster \(stranger) not found", field: "Clusters")
            }
            ids = named
            description = "clusters " + named.joined(separator: ",")
        } else {
            ids = clusters.map(\.id)
            description = "all clusters"
        }
        guard !ids.isEmpty else { throw .badRequest("the selection matches no cluster", field: "Selector") }
        guard ids.count <= Self.maxClusters else {
            throw .badRequest("a rollout takes at most \(Self.maxClusters) clusters", field: "Clusters")
        }
        return (ids, description)
    }

    private static func share(_ text: String, field: String, allowZero: Bool) throws(APIError) -> RolloutShare {
        do {
            return try RolloutShare(parsing: text, allowZero: allowZero)
        } catch {
            throw .badRequest("\(field): \(error.description)", field: field)
        }
    }
}

/// `POST /api/rollout/{id}/resume`: optionally a new failure budget.
struct RolloutResumeRequest: Decodable {
    var maxFailures: String?
}
