import Foundation
import Logging
import ServerSupport
import Synchronization

/// Carries out a rollout analysis's evaluations: reads every check on the wave's clusters and
/// the baseline's from their Prometheus servers, judges them, and hands the round to the
/// lifecycle, which records it. Like the soak's re-check it runs off the pass, one per rollout.
extension Supervisor {
    func startEvaluation(_ request: RolloutLifecycle.AnalysisRequest, of rollout: Rollout) {
        guard let analysis = rollout.strategy.analysis, evaluations.withLock({ $0.insert(rollout.id).inserted }) else { return }
        Task {
            defer { self.evaluations.withLock { _ = $0.remove(rollout.id) } }
            let facts: [String: ClusterTemplate.Facts]
            do {
                let wanted = Set(request.clusters + request.baseline)
                facts = Dictionary(
                    uniqueKeysWithValues: try await store.clusterSummaries().filter { wanted.contains($0.id) }.map {
                        ($0.id, ClusterTemplate.Facts($0))
                    }
                )
            } catch {
                // Asked again by the next pass: the evaluation is still due.
                logger.error("cannot read the clusters an analysis judges", metadata: ["rollout": "\(rollout.id)", "error": "\(error)"])
                return
            }
            let round = await self.evaluate(request, analysis, clusters: facts)
            do {
                try await self.apply(.evaluated(round), toRollout: rollout.id)
            } catch {
                self.logger.error("cannot record a rollout's analysis", metadata: ["rollout": "\(rollout.id)", "error": "\(error)"])
            }
            self.wake()
        }
    }

    /// One round: each check on the baseline first (their median), then on every judged cluster.
    func evaluate(
        _ request: RolloutLifecycle.AnalysisRequest,
        _ analysis: RolloutAnalysis,
        clusters: [String: ClusterTemplate.Facts]
    ) async -> AnalysisRound {
        let templates = Templates(analysis)
        let comparing = analysis.checks.filter { $0.compareToBaseline != nil }
        let baselineValues = await read(comparing, of: request.baseline, templates, clusters: clusters)
        var baselines: [String: Double] = [:]
        for check in comparing {
            let values = request.baseline.compactMap { baselineValues[$0]?[check.name]?.value }.sorted()
            if !values.isEmpty { baselines[check.name] = values[values.count / 2] }
        }
        let read = await read(analysis.checks, of: request.clusters, templates, clusters: clusters)
        var results: [String: [AnalysisRound.CheckResult]] = [:]
        for cluster in request.clusters {
            results[cluster] = analysis.checks.map { check in
                let found = read[cluster]?[check.name]
                return check.judge(found?.value, baseline: check.compareToBaseline == nil ? nil : baselines[check.name], why: found?.why)
            }
        }
        return AnalysisRound(wave: request.wave, round: request.round, time: lifecycle.clock.millisecondsSince1970, results: results)
    }

    private typealias Reading = (value: Double?, why: String?)

    /// The analysis's URL and queries, each parsed once a round rather than once per cluster.
    private struct Templates: Sendable {
        typealias Parsed = Result<ClusterTemplate, ClusterTemplate.Failure>
        let url: Parsed
        let queries: [String: Parsed]
        let token: String?

        init(_ analysis: RolloutAnalysis) {
            url = Result { () throws(ClusterTemplate.Failure) in try ClusterTemplate(analysis.prometheus.url) }
            queries = Dictionary(
                analysis.checks.map { check in (check.name, Result { () throws(ClusterTemplate.Failure) in try ClusterTemplate(check.query) }) }
            ) { $1 }
            token = analysis.prometheus.bearerToken
        }
    }

    /// Every check on every one of `ids`, a few queries at a time: by cluster, by check.
    private func read(
        _ checks: [RolloutAnalysis.Check],
        of ids: [String],
        _ templates: Templates,
        clusters: [String: ClusterTemplate.Facts]
    ) async -> [String: [String: Reading]] {
        let reader = metricsReader
        let work = ids.flatMap { id in checks.map { (id, $0) } }
        var readings: [String: [String: Reading]] = [:]
        await withTaskGroup(of: (String, String, Reading).self) { group in
            for (index, (id, check)) in work.enumerated() {
                if index >= Self.queryConcurrency, let (cluster, name, reading) = await group.next() {
                    readings[cluster, default: [:]][name] = reading
                }
                group.addTask {
                    guard let cluster = clusters[id] else { return (id, check.name, (nil, "the cluster was deleted")) }
                    return (id, check.name, await Self.read(check, on: cluster, templates, reader: reader))
                }
            }
            for await (cluster, name, reading) in group { readings[cluster, default: [:]][name] = reading }
        }
        return readings
    }

    private static func read(
        _ check: RolloutAnalysis.Check,
        on cluster: ClusterTemplate.Facts,
        _ templates: Templates,
        reader: MetricsReader
    ) async -> Reading {
        let url: String
        let query: String
        do throws(ClusterTemplate.Failure) {
            url = try templates.url.get().render(for: cluster)
            query = try (templates.queries[check.name] ?? .failure(.init(reason: "is missing"))).get().render(for: cluster)
        } catch {
            return (nil, "the template \(error.reason)")
        }
        do {
            return check.value(of: try await reader.query(query, url: url, token: templates.token))
        } catch {
            return (nil, "\(error)")
        }
    }

    private static let queryConcurrency = 16
}
