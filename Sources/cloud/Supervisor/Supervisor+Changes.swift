import Foundation
import Internal

extension Supervisor {
    /// Keeps one feed watcher per provisioner instance as instances come and go.
    func watchFeeds() async {
        var watchers: [String: Task<Void, Never>] = [:]
        defer { watchers.values.forEach { $0.cancel() } }
        while !Task.isCancelled {
            let clients = pool.clients
            for (key, client) in clients where watchers[key] == nil {
                watchers[key] = Task { await self.watchChanges(of: client) }
            }
            for key in watchers.keys where clients[key] == nil {
                watchers.removeValue(forKey: key)?.cancel()
            }
            try? await Task.sleep(for: min(pollInterval, .seconds(5)))
        }
    }

    /// Follows one provisioner's change feed for as long as the supervisor runs, recording each
    /// status the moment it changes. Polling (`follow`) stays the safety net: this only makes
    /// outcomes, and so the dispatch of whatever waited on them, arrive without the poll's delay.
    func watchChanges(of client: ProvisionerClient) async {
        var cursor: (instance: String, sequence: UInt64)?
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                guard let page = try await client.changes(after: cursor?.sequence ?? 0) else {
                    try await Task.sleep(for: pollInterval)  // no feed there: polling does the work
                    continue
                }
                if let known = cursor, known.instance != page.instance {
                    cursor = (page.instance, 0)  // a new process: its numbers start again
                    continue
                }
                var finished = false
                for status in page.deployments {
                    do {
                        try await record(status, for: Self.deploymentID(fromProvisionerID: status.id))
                    } catch StoreError.notFound {
                        continue  // not one of ours (another cloud server's, or sent by hand)
                    }
                    finished = finished || status.state.isFinal
                }
                cursor = (page.instance, page.sequence)
                if finished { wake() }
                // A feed that answers at once with nothing (a draining instance) must not spin.
                if page.deployments.isEmpty, ContinuousClock.now - started < .seconds(1) {
                    try await Task.sleep(for: .seconds(1))
                }
            } catch is CancellationError {
                return
            } catch {
                try? await Task.sleep(for: min(pollInterval, .seconds(5)))
            }
        }
    }

    /// Each attempt has its own ID on the provisioner, so a late report of an earlier attempt is
    /// told apart from the current one's.
    static func provisionerID(of deploymentID: String, attempt: Int) -> String { "\(deploymentID)-\(attempt)" }

    static func deploymentID(fromProvisionerID id: String) -> String {
        guard let dash = id.lastIndex(of: "-") else { return id }
        return String(id[..<dash])
    }
}
