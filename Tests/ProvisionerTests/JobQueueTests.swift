import FleetAPI
import Logging
import ServerSupport
import TestSupport
import Testing

@testable import provisioner

/// The queue in-process, with no deployer to run helm: what its change feed gives, how it
/// recognises a retried request, and what it keeps of a deployment once it has started.
@Suite("Job queue")
struct JobQueueTests {
    /// A queue that starts nothing (no slots) unless given some, so its jobs change only when
    /// cancelled; a started one fails at once, as it has no deployer.
    func idleQueue(retentionCount: Int = 100, slots: Int = 0) -> JobQueue {
        JobQueue(
            configuration: .init(maxConcurrent: slots, retention: .seconds(3600), retentionCount: retentionCount),
            deployers: [],
            catalog: .standard,
            metrics: ProvisionerMetrics(metrics: ServerMetrics()),
            logger: Logger(label: "test")
        )
    }

    func request(_ id: String, values: JSONValue? = nil) -> DeploymentRequest {
        DeploymentRequest(id: id, clusterID: "c1", service: "nginx", action: .apply, values: values, kubeconfig: KubeconfigSamples.make())
    }

    @discardableResult
    func submit(_ queue: JobQueue, _ id: String, values: JSONValue? = nil) async throws -> (DeploymentStatus, created: Bool) {
        try await queue.submit(DeploymentValidator(catalog: .standard, defaultTimeout: .seconds(60)).job(for: request(id, values: values)))
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

    @Test("a reader from the start gets every retained deployment page by page, each once, in order")
    func feedPages() async throws {
        let queue = idleQueue()
        for id in ["a", "b", "c", "d", "e"] { try await submit(queue, id) }
        _ = try await queue.cancel("b")  // now last in change order

        var seen: [String] = []
        var cursor: UInt64 = 0
        for _ in 0..<10 {
            let page = await queue.changes(after: cursor, limit: 2)
            #expect(page.statuses.count <= 2)
            seen += page.statuses.map(\.id)
            if page.sequence == cursor { break }
            cursor = page.sequence
        }
        #expect(seen == ["a", "c", "d", "e", "b"])
        #expect(cursor == 6)
    }

    @Test("pages are also bounded by their JSON's length, with at least one status each")
    func feedPagesByBytes() async throws {
        let queue = idleQueue()
        for id in ["a", "b", "c"] { try await submit(queue, id) }
        for id in ["a", "b", "c"] { _ = try await queue.cancel(id) }  // finished: their JSON is known
        let size = try #require(queue.board.encodedSize(of: "a"))

        let first = await queue.changes(after: 0, maxBytes: 2 * size + size / 2)
        #expect(first.statuses.map(\.id) == ["a", "b"])
        let second = await queue.changes(after: first.sequence, maxBytes: 1)
        #expect(second.statuses.map(\.id) == ["c"], "one status even when it alone is over the bound")
    }

    @Test("a job no longer retained is not in the feed")
    func forgottenJobs() async throws {
        let queue = idleQueue(retentionCount: 1)
        for id in ["a", "b", "c"] { try await submit(queue, id) }
        for id in ["a", "b"] { _ = try await queue.cancel(id) }

        #expect(await queue.changes(after: 0).statuses.map(\.id) == ["c", "b"], "a was forgotten when b finished")
    }

    @Test("a retried request gets the deployment already queued under its ID; a different one under that ID is a conflict")
    func retries() async throws {
        let queue = idleQueue()
        #expect(try await submit(queue, "a", values: ["replicas": 2]).created)
        let again = try await submit(queue, "a", values: ["replicas": 2])
        #expect(!again.created && again.0.id == "a")
        await #expect(throws: JobQueue.Failure.conflict(id: "a")) { try await submit(queue, "a", values: ["replicas": 3]) }
    }

    @Test("a started deployment's request (kubeconfig and values) is let go of, and a retry of it is still recognised")
    func requestLetGo() async throws {
        let queue = idleQueue(slots: 1)
        try await submit(queue, "a", values: ["password": "hunter2"])
        #expect(await queue.retained("a")?.status.state != .queued, "started")
        #expect(await queue.retained("a")?.request == nil)
        #expect(await queue.retained("a")?.kubeconfig == nil)

        #expect(try await submit(queue, "a", values: ["password": "hunter2"]).created == false)
        await #expect(throws: JobQueue.Failure.conflict(id: "a")) { try await submit(queue, "a") }
    }
}
