import FleetAPI
import Foundation
import Telemetry

extension SQLStore {
    func fleetGauges() async throws -> FleetGauges {
        var gauges = FleetGauges()
        let active = try await query(
            "SELECT service, state, COUNT(*) FROM deployments WHERE state IN \(StoreRecords.unfinishedStatesSQL) GROUP BY service, state"
        )
        for row in active {
            guard let service = row[0].string, let state = row[1].string else { continue }
            gauges.unfinishedDeployments[FleetGauges.ServiceState(service: service, state: state)] = Int(row[2].int ?? 0)
        }
        for row in try await query("SELECT state, COUNT(*) FROM rollouts GROUP BY state") {
            if let state = row[0].string { gauges.rollouts[state] = Int(row[1].int ?? 0) }
        }
        let running = RolloutState.allCases.filter { !$0.isFinal }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        for id in try await query("SELECT id FROM rollouts WHERE state IN (\(running))").compactMap({ $0[0].string }) {
            guard let rollout = try await self.rollout(id) else { continue }
            gauges.activeRollouts.append(
                FleetGauges.ActiveRollout(id: id, service: rollout.service.rawValue, wave: rollout.wave + 1, waves: rollout.waves.count)
            )
        }
        let clusters = try await query(
            "SELECT COUNT(*), COUNT(CASE WHEN drifted > 0 THEN 1 END), COALESCE(SUM(drifted), 0) FROM clusters WHERE delete_at = 0"
        ).first
        (gauges.clusters, gauges.driftedClusters, gauges.driftedUtilities) =
            (Int(clusters?[0].int ?? 0), Int(clusters?[1].int ?? 0), Int(clusters?[2].int ?? 0))
        for row in try await query("SELECT state, COUNT(*), MIN(next_at) FROM webhook_deliveries GROUP BY state") {
            guard let state = row[0].string else { continue }
            gauges.webhookDeliveries[state] = Int(row[1].int ?? 0)
            if state == "pending" { gauges.oldestDeliveryDueAt = row[2].int }
        }
        return gauges
    }

    func observeCalls(_ observe: @escaping @Sendable (_ waited: Duration, _ ran: Duration) -> Void) {
        pool.observe(observe)
    }

    func traceCalls(with tracer: OTLPTracer) {
        pool.trace(with: tracer)
    }
}
