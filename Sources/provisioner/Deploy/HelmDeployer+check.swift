import Internal

extension HelmDeployer {
    /// Whether the release is still what the client last applied (`Chart.Version`, and
    /// `ExpectedRevision` when given), and its live objects still what its manifest says. Drift is
    /// a finding, not a failure: the check succeeds with `Drift` saying what it found.
    func check(_ context: DeploymentContext, service: any ThirdPartyService, _ bounds: RunBounds) async -> DeploymentResult {
        let (released, manifest) = await releases.manifest(service.release, kubeconfig: context.kube.kubeconfig, events: bounds.events)
        var result = DeploymentResult(released)
        guard result.outcome == .succeeded else { return result }
        let release = service.release
        var reasons: [String] = []
        if let latest = result.details.release, latest.status != .uninstalled {
            if latest.status != .deployed {
                reasons.append("release \(release) is \(latest.status.rawValue) (revision \(latest.revision))")
            }
            if let expected = context.request.expectedRevision, latest.revision != expected {
                reasons.append("release \(release) is at revision \(latest.revision), not \(expected): changed by someone else (upgrade or rollback)")
            }
            if let version = context.request.chart?.version, !latest.chart.hasSuffix("-\(version)") {
                reasons.append("release \(release) runs chart \(latest.chart), not version \(version)")
            }
            do {
                reasons += try await context.kube.drift(ofManifest: manifest, namespace: release.namespace)
            } catch {
                result.outcome = .failed(DeploymentFailure(.clusterUnreachable, step: "check", message: "\(error)"))
                return result
            }
        } else {
            reasons.append("release \(release) is not installed")
        }
        result.details.drift = DriftReport(reasons: reasons)
        result.details.log.append(reasons.isEmpty ? "in sync" : "drifted: \(reasons.count) finding(s)")
        return result
    }
}
