import Internal
import Logging
import TestSupport
import Testing

@testable import provisioner

/// What the change feed reads: each job changed after a sequence number once, at its last change,
/// found from the end of the log rather than by scanning every retained job.
@Suite("Change log")
struct ChangeLogTests {
    @Test("the entries after a sequence number are those recorded later, oldest first, wherever it falls")
    func entriesAfter() {
        var log = ChangeLog()
        for (sequence, id) in [(2, "a"), (3, "b"), (7, "a"), (9, "c")] { log.append(id, at: UInt64(sequence)) }

        #expect(log.entries(after: 0).map(\.id) == ["a", "b", "a", "c"])
        #expect(log.entries(after: 3).map(\.sequence) == [7, 9])
        #expect(log.entries(after: 5).map(\.sequence) == [7, 9])
        #expect(log.entries(after: 9).isEmpty)
        #expect(log.entries(after: 100).isEmpty)
        #expect(ChangeLog().entries(after: 0).isEmpty)
    }

    @Test("stale entries are dropped only once they outnumber the live ones, and live ones are kept")
    func compaction() {
        var log = ChangeLog()
        for sequence in 1...200 { log.append("job", at: UInt64(sequence)) }
        log.compact(live: 100) { $0.sequence == 200 }
        #expect(log.entries.count == 200, "200 is not more than twice 100 and a few")

        log.compact(live: 1) { $0.sequence == 200 }
        #expect(log.entries == [ChangeLog.Entry(sequence: 200, id: "job")])
    }

    // MARK: The queue's feed

    /// A queue that starts nothing (no slots), so its jobs change only when cancelled.
    func idleQueue(retentionCount: Int = 100) -> JobQueue {
        JobQueue(
            configuration: .init(maxConcurrent: 0, retention: .seconds(3600), retentionCount: retentionCount),
            deployers: [],
            catalog: .standard,
            metrics: ProvisionerMetrics(metrics: ServerMetrics()),
            logger: Logger(label: "test")
        )
    }

    func submit(_ queue: JobQueue, _ id: String) async throws {
        let request = DeploymentRequest(id: id, clusterID: "c1", service: "nginx", action: .apply, kubeconfig: KubeconfigSamples.make())
        _ = try await queue.submit(DeploymentValidator(catalog: .standard, defaultTimeout: .seconds(60)).job(for: request))
    }

    @Test("the feed gives each job changed since once, at its last change, in the order of those changes")
    func feedOrder() async throws {
        let queue = idleQueue()
        for id in ["a", "b", "c"] { try await submit(queue, id) }
        _ = try await queue.cancel("a")

        let all = await queue.changes(after: 0)
        #expect(all.statuses.map(\.id) == ["b", "c", "a"])
        #expect(all.statuses.last?.state == .cancelled)
        #expect(all.sequence == 4)
        #expect(await queue.changes(after: 3).statuses.map(\.id) == ["a"])
        #expect(await queue.changes(after: 4).statuses.isEmpty)
    }

    @Test("a job no longer retained is not in the feed")
    func forgottenJobs() async throws {
        let queue = idleQueue(retentionCount: 1)
        for id in ["a", "b", "c"] { try await submit(queue, id) }
        for id in ["a", "b"] { _ = try await queue.cancel(id) }

        #expect(await queue.changes(after: 0).statuses.map(\.id) == ["c", "b"], "a was forgotten when b finished")
    }
}
