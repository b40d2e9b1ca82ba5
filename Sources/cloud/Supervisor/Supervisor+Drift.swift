import Foundation
import Internal

extension Supervisor {
    /// Checks each utility the cluster runs (an actual version is recorded), or those of `only`,
    /// against what was last applied: the chart version and the revision its last successful apply
    /// made. One request to a provisioner checks them all. Stores and returns the results; a check
    /// no provisioner answered is left out (and logged).
    @discardableResult
    func checkDrift(of clusterID: String, only services: Set<ServiceName>? = nil) async throws -> [String: DriftStatus] {
        guard let cluster = try await store.cluster(clusterID) else { throw StoreError.notFound("cluster \(clusterID)") }
        var releases: [DriftCheckRequest.Release] = []
        for (name, version) in cluster.utilities.actualVersions.sorted(by: { $0.key < $1.key }) {
            let service = ServiceName(name)
            guard let version, services?.contains(service) ?? true else { continue }
            let applied = try await store.lastApplied(cluster: clusterID, service: service)
            releases.append(.init(service: service, chart: ChartRequest(version: version.chart), expectedRevision: applied?.release?.revision))
        }
        guard !releases.isEmpty else { return [:] }
        let results = await checkDrift(cluster: clusterID, releases)
        guard !results.isEmpty else { return [:] }
        try await store.updateUtilities(ofCluster: clusterID) { utilities in
            utilities.drift = (utilities.drift ?? [:]).merging(results) { $1 }
        }
        return results
    }

    private func checkDrift(cluster: String, _ releases: [DriftCheckRequest.Release]) async -> [String: DriftStatus] {
        let now = lifecycle.clock.now()
        do {
            let prepared: DeploymentRequest
            switch try await request(DeploymentRequest(clusterID: cluster, service: releases[0].service, action: .check, kubeconfig: "")) {
            case .ready(let ready): prepared = ready
            case .clusterGone: return [:]
            case .kubeconfigRefused(let reason):
                let refused = DriftStatus(state: .drifted, reasons: ["the cluster's kubeconfig is refused: \(reason)"], checkedAt: now)
                return Dictionary(uniqueKeysWithValues: releases.map { ($0.service.rawValue, refused) })
            }
            guard let client = pool.pick(inFlight: [:]) else { throw Unanswered(reason: "no ready provisioner") }
            let checks = DriftCheckRequest(
                clusterID: cluster,
                kubeconfig: prepared.kubeconfig,
                kubeconfigSource: prepared.kubeconfigSource,
                releases: releases,
                timeoutSeconds: Self.checkTimeoutSeconds
            )
            guard let answer = try await client.check(checks) else {
                return await checkOneByOne(prepared, releases, at: now)
            }
            var results: [String: DriftStatus] = [:]
            for result in answer.results {
                guard let drift = result.drift else {
                    unanswered(cluster: cluster, service: result.service, reason: result.error ?? "no answer")
                    continue
                }
                results[result.service.rawValue] = DriftStatus(state: drift.state, reasons: drift.reasons, checkedAt: now)
            }
            return results
        } catch {
            for release in releases { unanswered(cluster: cluster, service: release.service, reason: "\(error)") }
            return [:]
        }
    }

    /// A provisioner without `/api/checks` (an older version, during a rolling upgrade) checks a
    /// release as a check deployment, one at a time.
    private func checkOneByOne(
        _ prepared: DeploymentRequest,
        _ releases: [DriftCheckRequest.Release],
        at now: Int64
    ) async -> [String: DriftStatus] {
        var results: [String: DriftStatus] = [:]
        for release in releases {
            var question = prepared
            question.service = release.service
            question.chart = release.chart
            question.expectedRevision = release.expectedRevision
            do {
                guard case .answered(let status) = try await ask(question, timeoutSeconds: Self.checkTimeoutSeconds) else { continue }
                guard status.state == .succeeded, let drift = status.drift else {
                    throw Unanswered(reason: "the check \(status.state.rawValue): \(status.error ?? "no answer")")
                }
                results[release.service.rawValue] = DriftStatus(state: drift.state, reasons: drift.reasons, checkedAt: now)
            } catch {
                unanswered(cluster: prepared.clusterID, service: release.service, reason: "\(error)")
            }
        }
        return results
    }

    private func unanswered(cluster: String, service: ServiceName, reason: String) {
        logger.warning("cannot check a utility for drift", metadata: ["cluster": "\(cluster)", "service": "\(service)", "error": "\(reason)"])
    }

    static let checkTimeoutSeconds = 60
}
