import FleetAPI
import HelmDriver

extension HelmDeployer {
    /// The release is deployed (at the requested chart version, if one is named) and its workloads
    /// are ready; nothing is changed. A failure says what is wrong.
    func verify(_ context: DeploymentContext, release ref: ReleaseRef, _ bounds: RunBounds) async -> DeploymentResult {
        var result = DeploymentResult(await releases.inspect(ref, kubeconfig: context.kube.kubeconfig, events: bounds.events))
        guard result.outcome == .succeeded else { return result }
        guard let release = result.details.helm?.release else {
            return failed(result, "release \(ref) is not installed")
        }
        guard release.status == .deployed else {
            return failed(result, "release \(ref) is \(release.status.rawValue) (revision \(release.revision))")
        }
        if let version = context.request.chart?.version, !release.chart.hasSuffix("-\(version)") {
            return failed(result, "release \(ref) runs chart \(release.chart), not version \(version)")
        }
        do {
            let unready = try await context.kube.unreadyWorkloads(of: ref.name, namespace: ref.namespace)
            guard unready.isEmpty else { return failed(result, "not ready: " + unready.joined(separator: "; ")) }
        } catch {
            result.outcome = .failed(DeploymentFailure(.clusterUnreachable, step: "verify", message: "\(error)"))
            return result
        }
        result.details.log.append("verified: revision \(release.revision) deployed, workloads ready")
        return result
    }

    private func failed(_ result: DeploymentResult, _ problem: String) -> DeploymentResult {
        var result = result
        result.outcome = .failed(DeploymentFailure(.failed, step: "verify", message: problem))
        return result
    }
}
