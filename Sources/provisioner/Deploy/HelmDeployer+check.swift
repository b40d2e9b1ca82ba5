import Internal

extension HelmDeployer {
    /// Whether the release is still what the client last applied (`Chart.Version`, and
    /// `ExpectedRevision` when given), and its live objects still what its manifest says. Drift is
    /// a finding, not a failure: the check succeeds with `Drift` saying what it found.
    ///
    /// It starts no helm process: the release is read from Helm's storage Secret and the objects
    /// from the API, so a fleet's periodic checks cost requests, not processes.
    func check(_ context: DeploymentContext, service: any ThirdPartyService, _ bounds: RunBounds) async -> DeploymentResult {
        let release = service.release
        let stored: StoredRelease?
        do {
            stored = try await context.kube.helmRelease(release)
        } catch {
            return DeploymentResult(failure: DeploymentFailure(.clusterUnreachable, step: "check", message: "\(error)"))
        }
        let manifest = stored?.manifest ?? ""
        var result = DeploymentResult(ReleaseResult(outcome: .succeeded, release: stored?.info))
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
