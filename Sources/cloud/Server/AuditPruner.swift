import Foundation
import Internal
import Logging
import ServiceLifecycle

/// Keeps the audit log to `--audit-retention`: every hour, entries older than that go. Unbounded
/// otherwise, since anyone who can reach the server adds an entry with each refused request.
struct AuditPruner: Service {
    let store: any Store
    let retention: Duration
    var interval: Duration = .seconds(3600)
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            await prune(now: Date())
            let interval = self.interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Deletes what is older than `retention` at `now`. A failure is logged and tried again next time.
    func prune(now: Date) async {
        let cutoff = now.millisecondsSince1970 - retention.milliseconds
        do {
            let removed = try await store.pruneAudit(before: cutoff)
            if removed > 0 { logger.info("audit entries pruned", metadata: ["removed": "\(removed)", "before_ms": "\(cutoff)"]) }
        } catch {
            logger.error("pruning the audit log failed", metadata: ["error": "\(error)"])
        }
    }
}
