import FleetAPI
import Foundation
import Logging
import ServerSupport
import ServiceLifecycle

/// Keeps the logs that grow with every request and change to their bounds, every hour: the audit
/// log to `--audit-retention` (anyone who can reach the server adds an entry with each refused
/// request), the event log to a day or the newest 100,000 events, whichever keeps more, so a
/// client can resume the stream after any outage shorter than that; and the sign-outs of sessions
/// that have expired since.
struct Pruner: Service {
    let store: any AuditStore & EventStore & SessionStore
    /// nil keeps audit entries for good.
    let auditRetention: Duration?
    var eventRetention: Duration = .seconds(24 * 3600)
    var eventsKept = 100_000
    var interval: Duration = .seconds(3600)
    var clock: any WallClock = SystemClock()
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            await prune()
            let (clock, interval) = (self.clock, self.interval)
            _ = try? await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
        }
    }

    /// Deletes what is older than its retention now. A failure is logged and tried again next time.
    func prune() async {
        let now = clock.now
        if let auditRetention {
            let cutoff = now.millisecondsSince1970 - auditRetention.milliseconds
            do {
                let removed = try await store.pruneAudit(before: cutoff)
                if removed > 0 { logger.info("audit entries pruned", metadata: ["removed": "\(removed)", "before_ms": "\(cutoff)"]) }
            } catch {
                logger.error("pruning the audit log failed", metadata: ["error": "\(error)"])
            }
        }
        let cutoff = now.millisecondsSince1970 - eventRetention.milliseconds
        do {
            let removed = try await store.pruneEvents(before: cutoff, keep: eventsKept)
            if removed > 0 { logger.info("events pruned", metadata: ["removed": "\(removed)", "before_ms": "\(cutoff)"]) }
        } catch {
            logger.error("pruning the event log failed", metadata: ["error": "\(error)"])
        }
        do {
            _ = try await store.pruneSessions(before: now.millisecondsSince1970)
        } catch {
            logger.error("pruning ended sessions failed", metadata: ["error": "\(error)"])
        }
    }
}
