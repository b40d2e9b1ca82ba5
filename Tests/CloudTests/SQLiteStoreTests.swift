import Foundation
import Synchronization
import TestSupport
import Testing

@testable import cloud

/// What only the SQLite store has: a file that another process may be writing. The behaviours
/// both stores share are in StoreTests.
@Suite("SQLite store")
struct SQLiteStoreTests {
    /// Another process's write transaction on the file, held on a thread of its own until the test
    /// lets go or, should the test never get that far, until `patience` has passed.
    final class HeldWriteLock: Sendable {
        private let letGo = DispatchSemaphore(value: 0)
        /// Whether the test let go, rather than the patience running out.
        let releasedByTest = Atomic(false)

        init(path: String, patience: DispatchTimeInterval) throws {
            let connection = try SQLiteConnection(path: path)
            try connection.execute("BEGIN IMMEDIATE")
            nonisolated(unsafe) let held = connection
            Thread.detachNewThread { [self] in
                let asked = letGo.wait(timeout: .now() + patience) == .success
                releasedByTest.store(asked, ordering: .sequentiallyConsistent)
                try? held.execute("COMMIT")
            }
        }

        func release() { letGo.signal() }
    }

    @Test("calls waiting for another process's write hold no thread of the cooperative pool")
    func waitsOffTheCooperativePool() async throws {
        let database = try await StoreDatabase.make(.sqlite)
        // More servers on the file than the cooperative pool has threads, each with its own
        // connection: this test's task only runs again, to see their calls all started, if none of
        // them sits on a thread of the pool while it waits for the lock.
        let calls = max(ProcessInfo.processInfo.processorCount, ProcessInfo.processInfo.activeProcessorCount) + 1
        var stores: [any Store] = []
        for _ in 0..<calls { stores.append(try await database.open()) }
        // Patience well past any wait of a loaded run (every suite at once on two cores can keep
        // this task from a free thread for seconds), so only calls that hold the pool run it out.
        let lock = try HeldWriteLock(path: database.location, patience: .seconds(30))
        final class Counter: Sendable { let value = Atomic(0) }
        let started = Counter()
        let writes = Task { [stores] in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        started.value.add(1, ordering: .sequentiallyConsistent)
                        try await store.recordAudit(
                            AuditEntry(
                                time: Int64(index),
                                actor: nil,
                                role: nil,
                                method: "GET",
                                path: "/",
                                targets: [],
                                status: 200
                            )
                        )
                    }
                }
                try await group.waitForAll()
            }
        }
        while started.value.load(ordering: .sequentiallyConsistent) < calls { await Task.yield() }
        lock.release()
        try await writes.value

        let releasedByTest = lock.releasedByTest.load(ordering: .sequentiallyConsistent)
        #expect(releasedByTest, "the calls held the cooperative pool until the lock was let go")
        #expect(try await stores[0].auditEntries(AuditQuery(limit: 100)).count == calls)
    }
}
