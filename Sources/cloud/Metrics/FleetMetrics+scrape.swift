import FleetAPI
import Logging
import ServerSupport
import Synchronization

extension FleetMetrics {
    /// Brings the gauges up to date for a scrape: the store's counts and the provisioner pool's
    /// instances, read at most once per `readEvery` however many scrapers ask. A read that fails
    /// leaves the gauges as they were (a scrape is never refused for it), sets `cloud_database_up`
    /// to 0 and is logged.
    func refresh(store: any MetricsReads, supervisor: Supervisor, logger: Logger) async {
        let due = lastRead.withLock { last in
            guard last.map({ ContinuousClock.now - $0 >= Self.readEvery }) ?? true else { return false }
            last = .now
            return true
        }
        guard due else { return }
        do {
            let gauges = try await store.fleetGauges()
            let instances = try await supervisor.provisionerInstances()
            let services = supervisor.pool.services?.order.map(\.rawValue) ?? []
            show(gauges, services: services, provisioners: instances, now: supervisor.lifecycle.clock.millisecondsSince1970)
            databaseAnswered(true)
        } catch {
            databaseAnswered(false)
            logger.warning("cannot read the fleet's gauges for /metrics", metadata: ["error": "\(error)"])
        }
    }
}
