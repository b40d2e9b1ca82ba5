import Foundation
import Internal

extension Supervisor {
    /// Checks each utility the cluster runs (an actual version is recorded) against what was last
    /// applied: the chart version and the revision its last successful apply made. Stores and
    /// returns the results; a check no provisioner answered is left out (and logged).
    @discardableResult
    func checkDrift(of clusterID: String, only service: ServiceName? = nil) async throws -> [String: DriftStatus] {
        guard let cluster = try await store.cluster(clusterID) else { throw StoreError.notFound("cluster \(clusterID)") }
        var results: [String: DriftStatus] = [:]
        for (name, version) in cluster.utilities.actualVersions.sorted(by: { $0.key < $1.key }) {
            guard let version, service == nil || service?.rawValue == name else { continue }
            if let status = try await checkDrift(cluster: clusterID, service: ServiceName(name), chart: version.chart) {
                results[name] = status
            }
        }
        let found = results
        try await store.updateUtilities(ofCluster: clusterID) { utilities in
            utilities.drift = (utilities.drift ?? [:]).merging(found) { $1 }
        }
        return results
    }

    private func checkDrift(cluster: String, service: ServiceName, chart: String) async throws -> DriftStatus? {
        let applied = try await store.lastApplied(cluster: cluster, service: service)
        var question = DeploymentRequest(clusterID: cluster, service: service, action: .check, chart: ChartRequest(version: chart), kubeconfig: "")
        question.expectedRevision = applied?.release?.revision
        let now = lifecycle.clock.now()
        do {
            switch try await ask(question, timeoutSeconds: Self.checkTimeoutSeconds) {
            case .answered(let status):
                guard status.state == .succeeded, let drift = status.drift else {
                    throw Unanswered(reason: "the check \(status.state.rawValue): \(status.error ?? "no answer")")
                }
                return DriftStatus(state: drift.state, reasons: drift.reasons, checkedAt: now)
            case .clusterGone:
                return nil
            case .kubeconfigRefused(let reason):
                return DriftStatus(state: .drifted, reasons: ["the cluster's kubeconfig is refused: \(reason)"], checkedAt: now)
            }
        } catch {
            logger.warning("cannot check a utility for drift", metadata: ["cluster": "\(cluster)", "service": "\(service)", "error": "\(error)"])
            return nil
        }
    }

    static let checkTimeoutSeconds = 60
}
