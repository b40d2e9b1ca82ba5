import CoreMetrics
import FleetAPI
import ServerSupport
import Synchronization

/// The cloud server's Prometheus series about the fleet. Counters and histograms are recorded as
/// things happen, by the server that did them (several servers on one database: Prometheus sums
/// them); gauges are read from the store when Prometheus scrapes (`show`), so every server reports
/// the same fleet. Labels are services, states, provisioners and active rollouts, not clusters
/// (unless `clusterLabels`, for small fleets): the series do not grow with the fleet.
final class FleetMetrics: Sendable {
    private let factory: DescribedMetricsFactory
    /// The gauge series shown at the last scrape, so one that is gone now reads 0 (a count) or
    /// goes away (a rollout that ended).
    private let shown = Mutex<[String: (label: String, dimensions: [(String, String)])]>([:])
    /// When the store was last read for the gauges: several scrapers share one read for `readEvery`.
    let lastRead = Mutex<ContinuousClock.Instant?>(nil)
    static let readEvery: Duration = .seconds(5)
    private let databaseWaits: Timer
    private let databaseCalls: Timer

    private static let duration = "cloud_deployment_duration_seconds"
    private static let driftDuration = "cloud_drift_check_duration_seconds"
    private static let databaseWait = "cloud_database_wait_seconds"
    private static let databaseCall = "cloud_database_call_duration_seconds"

    static let help = [
        "cloud_up": "1 while this cloud server runs.",
        "cloud_deployments": "Deployments not yet ended, by service and state.",
        "cloud_deployments_ended_total": "Deployments that ended, by service and final state.",
        duration: "Time from a deployment's creation to its end, by service and outcome (its final state).",
        "cloud_deployment_attempts_total": "Attempts sent to provisioners, by service.",
        "cloud_deployment_redispatches_total": "Attempts after a deployment's first: work handed to a provisioner again, by service.",
        "cloud_rollouts": "Rollouts stored, by state.",
        "cloud_rollout_wave": "The wave a rollout not yet ended is in (1-based; 0 before its first), by rollout and service.",
        "cloud_rollout_waves": "The number of waves of a rollout not yet ended, by rollout and service.",
        "cloud_clusters": "Clusters registered.",
        "cloud_clusters_drifted": "Clusters with at least one utility the last drift check found drifted.",
        "cloud_utilities_drifted": "Utilities the last drift check found drifted, over all clusters.",
        "cloud_drift_checks_total": "Utilities checked for drift, by state (in-sync, drifted, unanswered).",
        driftDuration: "Time to check one cluster's utilities for drift.",
        "cloud_webhook_deliveries": "Webhook deliveries stored, by state (pending: to send or retry; dead: given up).",
        "cloud_event_delivery_lag_seconds": "How long the oldest pending webhook delivery has been due: how far the event log's delivery is behind.",
        "cloud_provisioner_up": "1 while a provisioner instance answers its health checks, by provisioner.",
        "cloud_provisioner_deployments_in_flight": "Deployments a provisioner instance holds now, by provisioner.",
        "cloud_database_up": "1 when the database answered this server's last read of the fleet's gauges (at a scrape), else 0.",
        databaseWait: "Time a database call waited for a connection.",
        databaseCall: "Time a database call ran on its connection.",
    ]

    /// Whether ended deployments and attempts are also labelled by cluster: for small fleets only,
    /// since each cluster then adds series.
    private let clusterLabels: Bool

    init(metrics: ServerMetrics, clusterLabels: Bool = false) {
        self.clusterLabels = clusterLabels
        var factory = metrics.factory
        factory.durationBuckets[Self.duration] = [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600].map { .seconds($0) }
        factory.durationBuckets[Self.driftDuration] = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120].map { .seconds($0) }
        let database: [Duration] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5].map { .seconds($0) }
        factory.durationBuckets[Self.databaseWait] = database
        factory.durationBuckets[Self.databaseCall] = database
        self.factory = factory
        // Made once: every database call records into them.
        databaseWaits = Timer(label: Self.databaseWait, factory: factory)
        databaseCalls = Timer(label: Self.databaseCall, factory: factory)
    }

    func up() {
        Gauge(label: "cloud_up", factory: factory).record(1)
    }

    /// A deployment that has just ended.
    func ended(_ deployment: Deployment) {
        let service = deployment.service.rawValue
        let state = deployment.state.rawValue
        let cluster = self.cluster(of: deployment)
        Counter(label: "cloud_deployments_ended_total", dimensions: cluster + [("service", service), ("state", state)], factory: factory)
            .increment()
        guard deployment.endAt >= deployment.createAt, deployment.createAt > 0 else { return }
        Timer(label: Self.duration, dimensions: cluster + [("outcome", state), ("service", service)], factory: factory)
            .recordMilliseconds(deployment.endAt - deployment.createAt)
    }

    /// An attempt just claimed for a provisioner: the deployment's first, or another after one was lost.
    func attempted(_ deployment: Deployment) {
        let dimensions = cluster(of: deployment) + [("service", deployment.service.rawValue)]
        Counter(label: "cloud_deployment_attempts_total", dimensions: dimensions, factory: factory).increment()
        if deployment.attempts > 1 {
            Counter(label: "cloud_deployment_redispatches_total", dimensions: dimensions, factory: factory).increment()
        }
    }

    /// The `cluster` label, where clusters are labelled; first, as labels go in name order.
    private func cluster(of deployment: Deployment) -> [(String, String)] {
        clusterLabels ? [("cluster", deployment.clusterID)] : []
    }

    /// One cluster's drift check: each utility's state (`unanswered` when no answer came), and how long it took.
    func driftChecked(states: [String], took duration: Duration) {
        for state in states { Counter(label: "cloud_drift_checks_total", dimensions: [("state", state)], factory: factory).increment() }
        Timer(label: Self.driftDuration, factory: factory).recordNanoseconds(duration.nanoseconds)
    }

    /// Whether the database answered the last read of the gauges.
    func databaseAnswered(_ answered: Bool) {
        Gauge(label: "cloud_database_up", factory: factory).record(answered ? 1 : 0)
    }

    func databaseCall(waited: Duration, ran: Duration) {
        databaseWaits.recordNanoseconds(waited.nanoseconds)
        databaseCalls.recordNanoseconds(ran.nanoseconds)
    }

    /// The gauges as the store and the provisioner pool say now. Each of `services` has a
    /// `cloud_deployments` series for every state a deployment passes through, 0 when none is in it,
    /// so a graph of them has data before the first deployment and after the last.
    func show(_ gauges: FleetGauges, services: [String], provisioners: [ProvisionerPool.Instance], now: Int64) {
        var series: [(label: String, dimensions: [(String, String)], value: Double)] = [
            ("cloud_clusters", [], Double(gauges.clusters)),
            ("cloud_clusters_drifted", [], Double(gauges.driftedClusters)),
            ("cloud_utilities_drifted", [], Double(gauges.driftedUtilities)),
            ("cloud_event_delivery_lag_seconds", [], gauges.oldestDeliveryDueAt.map { Double(max(0, now - $0)) / 1000 } ?? 0),
        ]
        var unfinished = gauges.unfinishedDeployments
        for service in services {
            for state in CloudDeploymentState.allCases where !state.isFinal {
                let key = FleetGauges.ServiceState(service: service, state: state.rawValue)
                if unfinished[key] == nil { unfinished[key] = 0 }
            }
        }
        for (key, count) in unfinished {
            series.append(("cloud_deployments", [("service", key.service), ("state", key.state)], Double(count)))
        }
        for state in RolloutState.allCases {
            series.append(("cloud_rollouts", [("state", state.rawValue)], Double(gauges.rollouts[state.rawValue] ?? 0)))
        }
        for rollout in gauges.activeRollouts {
            let dimensions = [("rollout", rollout.id), ("service", rollout.service)]
            series.append(("cloud_rollout_wave", dimensions, Double(rollout.wave)))
            series.append(("cloud_rollout_waves", dimensions, Double(rollout.waves)))
        }
        for state in ["pending", "dead"] {
            series.append(("cloud_webhook_deliveries", [("state", state)], Double(gauges.webhookDeliveries[state] ?? 0)))
        }
        for instance in provisioners {
            series.append(("cloud_provisioner_up", [("provisioner", instance.url)], instance.healthy ? 1 : 0))
            series.append(("cloud_provisioner_deployments_in_flight", [("provisioner", instance.url)], Double(instance.inFlight)))
        }
        let current = Dictionary(series.map { (Self.key($0.label, $0.dimensions), $0) }) { _, last in last }
        let gone = shown.withLock { shown in
            defer { shown = current.mapValues { ($0.label, $0.dimensions) } }
            return shown.filter { current[$0.key] == nil }.values
        }
        for (label, dimensions) in gone {
            let gauge = Gauge(label: label, dimensions: dimensions, factory: factory)
            // A count reads 0; a rollout's or an instance's series goes with it.
            if label == "cloud_deployments" { gauge.record(0) } else { gauge.destroy() }
        }
        for entry in current.values { Gauge(label: entry.label, dimensions: entry.dimensions, factory: factory).record(entry.value) }
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.map { "\($0.0)=\($0.1)" }).joined(separator: "\u{1F}")
    }
}
