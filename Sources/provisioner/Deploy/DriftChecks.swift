import FleetAPI
import HelmDriver

/// A validated `DriftCheckRequest`: the services it names, found in the catalog, and its
/// kubeconfig as validation parsed it.
struct DriftChecks: Sendable {
    struct Release: Sendable {
        var service: any ThirdPartyService
        var chart: ChartRequest?
        var expectedRevision: Int?
    }

    /// The request's kubeconfig: its text, or where to fetch it, and the text parsed when inline.
    struct KubeconfigInput: Sendable {
        var text: String
        var source: KubeconfigSource?
        var parsed: Kubeconfig?
    }

    var clusterID: String
    var kubeconfig: KubeconfigInput
    var releases: [Release]
    var timeout: Duration
    /// Hides the kubeconfig's secrets in anything a check reports.
    var redactor: Redactor

    /// The request the checks' one context (kubeconfig, connection) is made for.
    var contextRequest: DeploymentRequest {
        DeploymentRequest(
            clusterID: clusterID,
            service: releases.first?.service.name ?? "cluster",
            action: .check,
            kubeconfig: kubeconfig.text,
            kubeconfigSource: kubeconfig.source
        )
    }
}

extension DriftCheckResults.Result {
    /// A check deployment's result as a drift check answers it.
    init(_ result: DeploymentResult, service: ServiceName) {
        switch result.outcome {
        case .succeeded:
            self.init(service: service, release: result.details.release, drift: result.details.drift)
        case .failed(let failure):
            self.init(service: service, release: result.details.release, error: failure.description)
        case .cancelled:
            self.init(service: service, error: "cancelled")
        case .deadlineExceeded:
            self.init(service: service, error: "not checked: TimeoutSeconds ran out")
        }
    }
}

extension DriftCheckResults.Result {
    /// The result with every secret of the kubeconfig hidden from its texts.
    func redacted(by redactor: Redactor) -> Self {
        var result = self
        result.error = error.map(redactor.redact)
        result.drift = drift.map { DriftReport(reasons: $0.reasons.map(redactor.redact)) }
        return result
    }
}
