import FleetAPI
import Foundation
import Logging
import ServerSupport

extension Supervisor {
    /// Keeps one feed watcher per provisioner instance as instances come and go.
    func watchFeeds() async {
        var watchers: [String: Task<Void, Never>] = [:]
        defer { for watcher in watchers.values { watcher.cancel() } }
        while !Task.isCancelled {
            let clients = pool.clients
            for (key, client) in clients where watchers[key] == nil {
                watchers[key] = Task { await self.watchChanges(of: client) }
            }
            for key in watchers.keys where clients[key] == nil {
                watchers.removeValue(forKey: key)?.cancel()
            }
            try? await clock.sleep(for: min(pollInterval, .seconds(5)))
        }
    }

    /// Follows one provisioner's change feed for as long as the supervisor runs, recording each
    /// status the moment it changes. Polling (`follow`) stays the safety net: this only makes
    /// outcomes, and so the dispatch of whatever waited on them, arrive without the poll's delay.
    func watchChanges(of client: ProvisionerClient) async {
        var cursor: (instance: String, sequence: UInt64)?
        while !Task.isCancelled {
            let started = clock.now
            do {
                guard let page = try await client.changes(after: cursor?.sequence ?? 0) else {
                    try await clock.sleep(for: pollInterval)  // no feed there: polling does the work
                    continue
                }
                if let known = cursor, known.instance != page.instance {
                    cursor = (page.instance, 0)  // a new process: its numbers start again
                    continue
                }
                for status in page.deployments {
                    do {
                        // An outcome asks for a dispatch pass itself: what waited on it goes now.
                        try await apply(.reported(status), to: Self.deploymentID(fromProvisionerID: status.id))
                    } catch StoreError.notFound {
                        continue  // not one of ours (another cloud server's, or sent by hand)
                    } catch {
                        // The cursor stays before it, so the page comes again.
                        logger.error(
                            "cannot record a status from a change feed",
                            metadata: [
                                "attempt": "\(status.id)", "provisioner": "\(client.url)", "error": "\(error)",
                            ]
                        )
                        throw error
                    }
                }
                cursor = (page.instance, page.sequence)
                // A feed that answers at once with nothing (a draining instance) must not spin.
                if page.deployments.isEmpty, clock.now - started < .seconds(1) {
                    try await clock.sleep(for: .seconds(1))
                }
            } catch is CancellationError {
                return
            } catch {
                try? await clock.sleep(for: min(pollInterval, .seconds(5)))
            }
        }
    }

    static func deploymentID(fromProvisionerID id: String) -> String { DeploymentLifecycle.deploymentID(ofAttempt: id) }
}
