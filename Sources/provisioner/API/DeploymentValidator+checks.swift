import FleetAPI
import HelmDriver
import ServerSupport

extension DeploymentValidator {
    /// The checks of a `POST /api/checks`, or a 400 naming the field at fault (`Releases[1].Service`).
    func checks(for request: DriftCheckRequest) throws(APIError) -> DriftChecks {
        guard ID.isValid(request.clusterID) else {
            throw .badRequest("ClusterID must be 1 to 64 letters, digits, '.', '_' or '-'", field: "ClusterID")
        }
        try DeploymentFieldRules.validate(chart: nil, values: nil, timeoutSeconds: request.timeoutSeconds)
        var releases: [DriftChecks.Release] = []
        for (index, release) in request.releases.enumerated() {
            let field = "Releases[\(index)]"
            guard let service = catalog[release.service] else {
                let known = catalog.names.map(\.rawValue).joined(separator: ", ")
                throw .badRequest("unknown service \"\(release.service)\"; known services: \(known)", field: "\(field).Service")
            }
            guard !releases.contains(where: { $0.service.name == service.name }) else {
                throw .badRequest("\(service.name) is asked for twice", field: "\(field).Service")
            }
            do {
                try DeploymentFieldRules.validate(chart: release.chart, values: nil, timeoutSeconds: nil)
            } catch {
                throw .badRequest(error.message, field: error.field.map { "\(field).\($0)" } ?? field)
            }
            if let revision = release.expectedRevision, revision < 1 {
                throw .badRequest("ExpectedRevision must be a release revision (1 or more)", field: "\(field).ExpectedRevision")
            }
            releases.append(DriftChecks.Release(service: service, chart: release.chart, expectedRevision: release.expectedRevision))
        }
        let target = try kubeconfig(request.kubeconfig, source: request.kubeconfigSource)
        return DriftChecks(
            clusterID: request.clusterID,
            kubeconfig: DriftChecks.KubeconfigInput(text: request.kubeconfig, source: request.kubeconfigSource, parsed: target.parsed),
            releases: releases,
            timeout: request.timeoutSeconds.map { .seconds($0) } ?? defaultTimeout,
            redactor: Redactor(secrets: target.secrets)
        )
    }
}
