/// The event log: every change's events, written in its transaction, read in commit order.
protocol EventStore: Sendable {
    /// Writes events that no other change carries (a provisioner's health as this server sees it).
    func recordEvents(_ events: [FleetEvent]) async throws
    /// The events after `id`, oldest first. IDs increase in commit order, so reading on from the
    /// last ID seen misses none.
    func events(after id: Int64, limit: Int) async throws -> [FleetEvent]
    func latestEventID() async throws -> Int64
    /// Deletes events written before `time` beyond the newest `keep`; returns how many went.
    func pruneEvents(before time: Int64, keep: Int) async throws -> Int
}
