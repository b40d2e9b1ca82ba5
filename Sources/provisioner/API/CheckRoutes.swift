import FleetAPI
import Hummingbird
import ServerSupport
import Synchronization

/// `POST /api/checks`: drift checks of one cluster's releases, answered in the response. They
/// change nothing, so they skip the job queue (no lock, no retry, nothing to follow); a bounded
/// number run at once, so a burst of them cannot starve the deployments.
struct CheckRoutes: Sendable {
    let validator: DeploymentValidator
    let deployers: [DeploymentStrategy.Kind: any Deployer]
    let lifecycle: Lifecycle
    let metrics: ProvisionerMetrics
    let inFlight = InFlight(limit: 64)

    func add(to router: Router<BasicRequestContext>) {
        router.post("/api/checks", use: check)
    }

    @Sendable func check(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await JSONRequest.decode(DriftCheckRequest.self, from: request)
        let checks = try validator.checks(for: body)
        guard !lifecycle.isDraining else {
            throw APIError(.serviceUnavailable, "provisioner is shutting down; send the checks to another instance")
        }
        guard inFlight.enter() else {
            throw APIError(.tooManyRequests, "\(inFlight.limit) checks are running already; send these again shortly or to another instance")
        }
        defer { inFlight.leave() }
        var results = [DriftCheckResults.Result?](repeating: nil, count: checks.releases.count)
        var version: String?
        // Each strategy checks its own services; the answer keeps the order asked. With no
        // releases, the first deployer answers the cluster's version alone.
        var byStrategy = Dictionary(grouping: checks.releases.indices) { checks.releases[$0].service.strategy.kind }
        if byStrategy.isEmpty, let first = deployers.keys.sorted(by: { $0.rawValue < $1.rawValue }).first { byStrategy[first] = [] }
        for (strategy, indices) in byStrategy {
            var part = checks
            part.releases = indices.map { checks.releases[$0] }
            let answered =
                await deployers[strategy]?.check(part)
                ?? DriftCheckResults(
                    results: part.releases.map {
                        DriftCheckResults.Result(service: $0.service.name, error: "this provisioner has no \(strategy.rawValue) deployer")
                    }
                )
            version = version ?? answered.kubernetesVersion
            for (index, result) in zip(indices, answered.results) {
                metrics.checked(result)
                results[index] = result.redacted(by: checks.redactor)
            }
        }
        return try JSONResponse.make(.ok, DriftCheckResults(results: results.compactMap { $0 }, kubernetesVersion: version))
    }

    /// How many requests are in, up to `limit`.
    final class InFlight: Sendable {
        let limit: Int
        private let count = Mutex(0)

        init(limit: Int) {
            self.limit = limit
        }

        func enter() -> Bool {
            count.withLock { count in
                guard count < limit else { return false }
                count += 1
                return true
            }
        }

        func leave() {
            count.withLock { $0 -= 1 }
        }
    }
}
