import FleetAPI
import Foundation
import HelmDriver
import ServerSupport
import Tracing

/// Turns a decoded request into a job, or a 400 that names the field at fault.
struct DeploymentValidator: Sendable {
    let catalog: ServiceCatalog
    let defaultTimeout: Duration
    var kubeconfigPolicy = KubeconfigPolicy.dataOnly
    /// Where a request's `Chart.Repository` may point.
    var allowedRepositories = ServiceCatalog.standard.repositoryPatterns
    var allowedDNS = DNSAllowList.none
    /// Which values are secrets, to be scrubbed from what helm and the chart print.
    var secretValues = SecretValues()

    func job(for request: DeploymentRequest, now: Date = Date()) throws(APIError) -> Job {
        var request = request
        if let id = request.id, !ID.isValid(id) {
            throw .badRequest("ID may hold only letters, digits, '.', '_' and '-' (at most 64)", field: "ID")
        }
        guard ID.isValid(request.clusterID) else {
            throw .badRequest("ClusterID must be 1 to 64 letters, digits, '.', '_' or '-'", field: "ClusterID")
        }
        guard let service = catalog[request.service] else {
            let known = catalog.names.map(\.rawValue).joined(separator: ", ")
            throw .badRequest("unknown service \"\(request.service)\"; known services: \(known)", field: "Service")
        }
        try DeploymentFieldRules.validate(chart: request.chart, values: request.values, timeoutSeconds: request.timeoutSeconds)
        try DeploymentFieldRules.validate(test: request.test, action: request.action)
        try DeploymentFieldRules.validate(valuesFrom: request.valuesFrom, values: request.values)
        try DeploymentFieldRules.validate(forceConflicts: request.forceConflicts, action: request.action)
        if let repository = request.chart?.repository { try check(repository: repository) }
        if let objects = service.strategy.objects { try Self.check(request.chart, against: objects, service: service.name) }
        try allowedDNS.check(request.dns)
        let target = try kubeconfig(request.kubeconfig, source: request.kubeconfigSource)
        let id = request.id ?? ID.make()
        request.id = id
        // What is deployed when the request leaves it to the service: its chart's default version, from its repository.
        let chart = ChartRequest(
            version: request.chart?.version ?? service.strategy.defaultVersion,
            repository: request.chart?.repository ?? service.strategy.helm?.chart.repositoryURL,
            digest: request.chart?.digest
        )
        var job = Job(
            request: request,
            status: DeploymentStatus(queued: request, id: id, chart: chart, now: now),
            lockKey: service.strategy.lockKey(server: target.server),
            timeout: request.timeoutSeconds.map { .seconds($0) } ?? defaultTimeout,
            // helm and charts may quote values in what they print: their secrets go too.
            redactor: Redactor(secrets: target.secrets + secretValues.secrets(in: request.values)),
            kubeconfig: target.parsed
        )
        job.trace = InstrumentationContext.current ?? .topLevel
        return job
    }

    /// A repository must match an `--allowed-repository` pattern, and one that names its host
    /// without a wildcard when that host is an address the API-server policy refuses (a pattern
    /// such as `https://**` must not open loopback or the metadata address).
    private func check(repository: String) throws(APIError) {
        let matching = allowedRepositories.filter { $0.matches(repository) }
        guard !matching.isEmpty else {
            throw .badRequest(
                "Chart.Repository \"\(repository)\" is not a repository this provisioner may fetch from (its --allowed-repository)",
                field: "Chart.Repository"
            )
        }
        guard !matching.contains(where: \.namesItsHost) else { return }
        do {
            try AddressPolicy.apiServers.check(try URLTarget(parsing: repository))
        } catch {
            throw .badRequest(
                "Chart.Repository \"\(repository)\" is refused: \(error); an --allowed-repository pattern must name that host without a wildcard",
                field: "Chart.Repository"
            )
        }
    }

    /// A request's kubeconfig checked: where it points and the secrets it holds, and the text
    /// parsed when it is inline (one named by a source is checked where it is fetched).
    func kubeconfig(_ text: String, source: KubeconfigSource?) throws(APIError) -> (server: String, secrets: [String], parsed: Kubeconfig?) {
        if let source {
            try source.validate()
            return (source.description, [], nil)
        }
        do {
            let parsed = try Kubeconfig(parsing: text, policy: kubeconfigPolicy)
            return (parsed.server, parsed.secrets, parsed)
        } catch {
            throw .badRequest(error.reason, field: "Kubeconfig")
        }
    }

    /// A service deployed as objects has one version (its declaration's) and no repository.
    private static func check(_ chart: ChartRequest?, against objects: ObjectsRelease, service: ServiceName) throws(APIError) {
        if chart?.repository != nil {
            throw .badRequest("\(service) is deployed as Kubernetes objects, not from a chart repository", field: "Chart.Repository")
        }
        if let version = chart?.version, version.trimmingPrefix("v") != objects.version.trimmingPrefix("v") {
            throw .badRequest("\(service) offers version \(objects.version) only", field: "Chart.Version")
        }
    }
}
