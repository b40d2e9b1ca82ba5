import FleetAPI
import Foundation
import ServerSupport

/// What is checked of a rollout's analysis before the rollout is written, so a mistake is a 400
/// now rather than an inconclusive wave later.
extension Fleet {
    /// Its templates render for every target cluster, each URL is one this server may read
    /// (`--allowed-metrics-source`, by its text here; the address it resolves to is checked on each
    /// query), and each query is one Prometheus parses: asked once of the first cluster's
    /// Prometheus, whose own parse error is the refusal. A Prometheus that does not answer is no
    /// reason to refuse: the rollout may be what installs it.
    func checkAnalysis(_ analysis: RolloutAnalysis, for clusters: [ClusterTemplate.Facts]) async throws(APIError) {
        let reader = supervisor.metricsReader
        let urlTemplate = try Self.template(analysis.prometheus.url, field: "Analysis.Prometheus.URL")
        let queries = try analysis.checks.enumerated().map { index, check throws(APIError) in
            try Self.template(check.query, field: "Analysis.Checks[\(index)].Query")
        }
        for cluster in clusters {
            let url = try Self.render(urlTemplate, for: cluster, field: "Analysis.Prometheus.URL")
            try Self.checkURL(url, policy: reader.configuration.policy)
            for (index, query) in queries.enumerated() {
                _ = try Self.render(query, for: cluster, field: "Analysis.Checks[\(index)].Query")
            }
        }
        guard let first = clusters.first else { return }
        let url = try Self.render(urlTemplate, for: first, field: "Analysis.Prometheus.URL")
        for (index, query) in queries.enumerated() {
            let promql = try Self.render(query, for: first, field: "Analysis.Checks[\(index)].Query")
            do {
                _ = try await reader.query(promql, url: url, token: analysis.prometheus.bearerToken)
            } catch .badQuery(let why) {
                let field = "Analysis.Checks[\(index)].Query"
                throw .badRequest("\(field) is refused by Prometheus at \(url): \(why)", field: field)
            } catch {
                continue
            }
        }
    }

    private static func template(_ text: String, field: String) throws(APIError) -> ClusterTemplate {
        do throws(ClusterTemplate.Failure) {
            return try ClusterTemplate(text)
        } catch {
            throw .badRequest("\(field) \(error.reason)", field: field)
        }
    }

    private static func render(_ template: ClusterTemplate, for cluster: ClusterTemplate.Facts, field: String) throws(APIError) -> String {
        do throws(ClusterTemplate.Failure) {
            return try template.render(for: cluster)
        } catch {
            throw .badRequest("\(field): \(error.reason)", field: field)
        }
    }

    private static func checkURL(_ url: String, policy: AddressPolicy) throws(APIError) {
        let field = "Analysis.Prometheus.URL"
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https",
            parts.host?.isEmpty == false
        else {
            throw .badRequest("\(field) must be an http:// or https:// URL, not \(url)", field: field)
        }
        guard parts.user == nil, parts.password == nil else {
            throw .badRequest("\(field) must not carry a user or password; give BearerToken", field: field)
        }
        do {
            try policy.check(try URLTarget(parsing: url))
        } catch {
            throw .badRequest("\(field) \(url) is refused: \(error) (--allowed-metrics-source)", field: field)
        }
    }
}
