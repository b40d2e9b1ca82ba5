import FleetAPI
import Foundation
import Logging

extension Supervisor {
    /// The soak's re-check: asks a provisioner to verify each cluster's release (still deployed at
    /// the rollout's version, workloads ready) and returns a problem per cluster that is not; nil
    /// when some could not be verified (no provisioner answered), so the next pass asks again.
    /// Verifications are not deployments: they change nothing and are not kept.
    func recheck(_ clusters: [String], of rollout: Rollout) async -> [String: String]? {
        var verdicts: [String: Verdict] = [:]
        await withTaskGroup(of: (String, Verdict).self) { group in
            for (index, id) in clusters.enumerated() {
                if index >= Self.recheckConcurrency, let (cluster, verdict) = await group.next() { verdicts[cluster] = verdict }
                let target = rollout.cluster(id)?.target ?? rollout.target
                group.addTask { (id, await self.verify(id, service: rollout.service, chart: target.chart)) }
            }
            for await (cluster, verdict) in group { verdicts[cluster] = verdict }
        }
        var problems: [String: String] = [:]
        for (cluster, verdict) in verdicts {
            switch verdict {
            case .healthy: continue
            case .unhealthy(let problem): problems[cluster] = problem
            case .unknown: return nil
            }
        }
        return problems
    }

    enum Verdict: Sendable {
        case healthy
        case unhealthy(String)
        /// Not verified: no provisioner took or finished the check.
        case unknown
    }

    private static let recheckConcurrency = 16

    /// One verification, followed to its end. One that cannot be run (no provisioner, none
    /// answers) is not a problem of the cluster's: it is logged and asked again later.
    private func verify(_ clusterID: String, service: ServiceName, chart: ChartRequest?) async -> Verdict {
        do {
            let question = DeploymentRequest(clusterID: clusterID, service: service, action: .verify, chart: chart, kubeconfig: "")
            switch try await ask(question, timeoutSeconds: Self.verifyTimeoutSeconds) {
            case .answered(let status):
                return status.state == .succeeded ? .healthy : .unhealthy(status.error ?? "verification \(status.state.rawValue)")
            case .clusterGone:
                return .healthy  // deleted meanwhile: nothing left to check
            case .kubeconfigRefused(let reason):
                return .unhealthy("the cluster's kubeconfig is refused: \(reason)")
            }
        } catch {
            logger.warning(
                "cannot verify a release after the soak; it is asked again",
                metadata: ["cluster": "\(clusterID)", "service": "\(service)", "error": "\(error)"]
            )
            return .unknown
        }
    }

    private static let verifyTimeoutSeconds = 60
}
