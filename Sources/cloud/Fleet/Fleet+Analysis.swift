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
        let urlField = "Analysis.Prometheus.URL"
        let urlTemplate = try ClusterTemplate(analysis.prometheus.url, field: urlField)
        let queries = try analysis.checks.enumerated().map { index, check throws(APIError) in
            try ClusterTemplate(check.query, field: "Analysis.Checks[\(index)].Query")
        }
        for cluster in clusters {
            let url = try urlTemplate.render(for: cluster, field: urlField)
            _ = try OutboundURL.validated(
                url,
                field: urlField,
                policy: reader.configuration.policy,
                flag: "--allowed-metrics-source",
                credentials: "give BearerToken"
            )
            for (index, query) in queries.enumerated() {
                _ = try query.render(for: cluster, field: "Analysis.Checks[\(index)].Query")
            }
        }
        guard let first = clusters.first else { return }
        let url = try urlTemplate.render(for: first, field: urlField)
        for (index, query) in queries.enumerated() {
            let promql = try query.render(for: first, field: "Analysis.Checks[\(index)].Query")
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
}
