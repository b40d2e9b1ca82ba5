import Foundation
import Internal

/// The provisioner's Prometheus series.
struct ProvisionerMetrics: Sendable {
    let registry: MetricsRegistry

    init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        registry.register("provisioner_deployments_queued_total", .counter, help: "Deployments accepted, by service and action.")
        registry.register("provisioner_deployments_finished_total", .counter, help: "Deployments finished, by service, action and final state.")
        registry.register(
            "provisioner_deployment_duration_seconds", .histogram, help: "Time from start to end of finished deployments.",
            buckets: [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800])
        registry.register("provisioner_queue_depth", .gauge, help: "Deployments waiting to start.")
        registry.register("provisioner_deployments_in_flight", .gauge, help: "Deployments running now.")
        registry.register("provisioner_helm_failures_total", .counter, help: "Deployments that failed in helm, by service.")
        queueDepth(0, inFlight: 0)
    }

    func queued(_ status: DeploymentStatus) {
        registry.increment("provisioner_deployments_queued_total", ["service": status.service.rawValue, "action": status.action.rawValue])
    }

    func finished(_ status: DeploymentStatus) {
        let labels = ["service": status.service.rawValue, "action": status.action.rawValue]
        registry.increment("provisioner_deployments_finished_total", labels.merging(["state": status.state.rawValue]) { $1 })
        if status.startAt > 0 {
            registry.observe("provisioner_deployment_duration_seconds", Double(status.endAt - status.startAt) / 1000, labels)
        }
        if status.state == .failed {
            registry.increment("provisioner_helm_failures_total", ["service": status.service.rawValue])
        }
    }

    func queueDepth(_ waiting: Int, inFlight: Int) {
        registry.set("provisioner_queue_depth", to: Double(waiting))
        registry.set("provisioner_deployments_in_flight", to: Double(inFlight))
    }
}
