import Hummingbird
import Internal
import Synchronization

/// Liveness, readiness and metrics. Readiness turns 503 the moment draining starts, so a load
/// balancer or the cloud server stops sending new work while running jobs finish.
struct HealthRoutes: Sendable {
    let lifecycle: Lifecycle
    let metrics: MetricsRegistry

    func add(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in try JSONResponse.make(.ok, ["Status": "ok"]) }
        router.get("/readyz") { _, _ in
            lifecycle.isDraining
                ? try JSONResponse.make(.serviceUnavailable, ["Status": "draining"])
                : try JSONResponse.make(.ok, ["Status": "ready"])
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
        }
    }
}

/// Whether this instance still takes new work.
final class Lifecycle: Sendable {
    private let draining = Atomic(false)

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    func startDraining() { draining.store(true, ordering: .relaxed) }
}
