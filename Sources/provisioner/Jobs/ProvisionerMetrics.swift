import CoreMetrics
import FleetAPI
import ServerSupport

/// The provisioner's Prometheus series, recorded through swift-metrics into `ServerMetrics`.
/// Dimensions are listed in name order: the exposition writes them as given, and scrapers and
/// tests have always seen them sorted.
struct ProvisionerMetrics: Sendable {
    private let factory: DescribedMetricsFactory
    private let waiting: Gauge
    private let running: Gauge

    private static let duration = "provisioner_deployment_duration_seconds"

    /// What each series counts, as its `# HELP` line says.
    static let help = [
        "provisioner_queue_depth": "Deployments accepted and waiting for a worker.",
        "provisioner_deployments_in_flight": "Deployments a worker is running now.",
        "provisioner_deployments_queued_total": "Deployments accepted, by action and service.",
        "provisioner_deployments_finished_total": "Deployments ended, by action, service and final state.",
        duration: "Time from a deployment's start to its end, by action and service.",
        "provisioner_helm_failures_total": "Deployments that ended failed, by service.",
        "provisioner_drift_checks_total": "Releases checked for drift, by service and state (in-sync, drifted, unanswered).",
        "provisioner_helm_calls_total": "helm runs, by command and outcome (succeeded, failed, timed-out, cancelled).",
        helmDuration: "Time a helm run took, by command.",
        "provisioner_held_release_waits_total": "Deployments that waited for another operation holding their release, by service.",
        "provisioner_chart_cache_requests_total":
            "Charts asked of the chart cache, by outcome (hit: served from disk; rechecked: its tag re-read from the registry's manifest, then served from disk; pulled: fetched; shared: waited for a fetch another deployment started).",
    ]
    private static let helmDuration = "provisioner_helm_call_duration_seconds"

    init(metrics: ServerMetrics) {
        var factory = metrics.factory(withBuckets: [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800].map { .seconds($0) }, forTimer: Self.duration)
        factory.durationBuckets[Self.helmDuration] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600].map { .seconds($0) }
        self.factory = factory
        waiting = Gauge(label: "provisioner_queue_depth", factory: factory)
        running = Gauge(label: "provisioner_deployments_in_flight", factory: factory)
        queueDepth(0, inFlight: 0)
    }

    func queued(_ status: DeploymentStatus) {
        Counter(
            label: "provisioner_deployments_queued_total",
            dimensions: [("action", status.action.rawValue), ("service", status.service.rawValue)],
            factory: factory
        ).increment()
    }

    func finished(_ status: DeploymentStatus) {
        let dimensions = [("action", status.action.rawValue), ("service", status.service.rawValue)]
        Counter(
            label: "provisioner_deployments_finished_total",
            dimensions: dimensions + [("state", status.state.rawValue)],
            factory: factory
        ).increment()
        if status.startAt > 0 {
            Timer(label: Self.duration, dimensions: dimensions, factory: factory).recordMilliseconds(status.endAt - status.startAt)
        }
        if status.state == .failed {
            Counter(label: "provisioner_helm_failures_total", dimensions: [("service", status.service.rawValue)], factory: factory)
                .increment()
        }
    }

    /// A release checked by `POST /api/checks`: `in-sync`, `drifted`, or `unanswered` (the
    /// cluster did not answer, or time ran out).
    func checked(_ result: DriftCheckResults.Result) {
        let state = result.drift.map { $0.state == .inSync ? "in-sync" : "drifted" } ?? "unanswered"
        Counter(
            label: "provisioner_drift_checks_total",
            dimensions: [("service", result.service.rawValue), ("state", state)],
            factory: factory
        ).increment()
    }

    /// One helm run (`HelmClient.observe`).
    func helmRan(_ command: String, outcome: String, took duration: Duration) {
        Counter(label: "provisioner_helm_calls_total", dimensions: [("command", command), ("outcome", outcome)], factory: factory).increment()
        Timer(label: Self.helmDuration, dimensions: [("command", command)], factory: factory).recordNanoseconds(duration.nanoseconds)
    }

    /// A deployment that has started waiting for another operation on its release.
    func waitedForHeldRelease(_ status: DeploymentStatus) {
        Counter(label: "provisioner_held_release_waits_total", dimensions: [("service", status.service.rawValue)], factory: factory).increment()
    }

    /// A chart asked of the chart cache (`ChartCache.observe`).
    func chartCache(_ outcome: String) {
        Counter(label: "provisioner_chart_cache_requests_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    func queueDepth(_ waiting: Int, inFlight: Int) {
        self.waiting.record(waiting)
        running.record(inFlight)
    }
}
