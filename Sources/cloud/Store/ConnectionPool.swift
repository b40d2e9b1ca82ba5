import Synchronization
import Telemetry
import Tracing

/// A database's connections, each used by one caller at a time. libsqlite3 and libpq block (for a
/// network round trip, a row lock held by another server, or SQLite's busy wait on another
/// process's write), so every call runs on its connection's own serial executor instead of tying
/// up a thread of the Swift cooperative pool, which has only as many threads as cores.
final class ConnectionPool: Sendable {
    let dialect: SQLDialect
    private let open: @Sendable () throws -> any SQLConnection
    private let state: Mutex<State>
    /// Told each call's wait for a connection and its run (the metrics' database latency).
    private let observer = Mutex<(@Sendable (_ waited: Duration, _ ran: Duration) -> Void)?>(nil)
    /// Makes a span of each call made within a traced one (a request, a dispatch); nil: none.
    private let tracer = Mutex<OTLPTracer?>(nil)

    private struct State {
        var idle: [Slot]
        var waiting: [CheckedContinuation<Slot, Never>] = []
    }

    /// A place for one connection, opened on first use and reopened after the server went away.
    private final class Slot: @unchecked Sendable {
        let executor: QueueExecutor
        // Only touched by the task that has checked the slot out, on `executor`.
        var connection: (any SQLConnection)?

        init(_ index: Int) { executor = QueueExecutor(label: "cloud.database.\(index)") }
    }

    /// `size` connections that `open` makes when first needed.
    init(dialect: SQLDialect, size: Int, open: @escaping @Sendable () throws -> any SQLConnection) {
        self.dialect = dialect
        self.open = open
        state = Mutex(State(idle: (0..<max(1, size)).map(Slot.init)))
    }

    /// One connection to the SQLite file at `path`: SQLite writes one transaction at a time anyway.
    static func sqlite(path: String) -> ConnectionPool {
        ConnectionPool(dialect: .sqlite, size: 1) { try SQLiteConnection(path: path) }
    }

    /// Up to `size` connections to the PostgreSQL database at `url`.
    static func postgres(url: String, size: Int) -> ConnectionPool {
        ConnectionPool(dialect: .postgres, size: size) { try PostgresConnection(url: url) }
    }

    func observe(_ observe: @escaping @Sendable (_ waited: Duration, _ ran: Duration) -> Void) {
        observer.withLock { $0 = observe }
    }

    func trace(with tracer: OTLPTracer) {
        self.tracer.withLock { $0 = tracer }
    }

    /// Runs `body` with a connection of its own, off the cooperative pool. Within a traced call,
    /// a span named for `function`: the store method that asked.
    @discardableResult
    func withConnection<T>(function: String = #function, _ body: (any SQLConnection) throws -> T) async throws -> T {
        guard let tracer = tracer.withLock({ $0 }), InstrumentationContext.current?.trace != nil else { return try await run(body) }
        let name = function.prefix { $0 != "(" }
        return try await tracer.withSpan("store \(name)", ofKind: .client) { span in
            span.attributes["db.system"] = dialect.system
            return try await run(body)
        }
    }

    private func run<T>(_ body: (any SQLConnection) throws -> T) async throws -> T {
        let asked = ContinuousClock.now
        let slot = await checkOut()
        let started = ContinuousClock.now
        defer {
            checkIn(slot)
            if let observe = observer.withLock({ $0 }) { observe(started - asked, .now - started) }
        }
        return try await withTaskExecutorPreference(slot.executor) {
            guard let existing = slot.connection else {
                let connection = try open()
                slot.connection = connection
                return try body(connection)
            }
            try existing.prepareForUse()
            do {
                return try body(existing)
            } catch  where existing.isLost {
                // The server's goodbye can arrive after `prepareForUse` looked: the call then
                // fails on a connection already gone. What it sent was never run, or was a
                // transaction the server rolled back as it ended, so it runs once more on a new one.
                let connection = try open()
                slot.connection = connection
                return try body(connection)
            }
        }
    }

    private func checkOut() async -> Slot {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if let slot = state.idle.popLast() {
                    continuation.resume(returning: slot)
                } else {
                    state.waiting.append(continuation)
                }
            }
        }
    }

    private func checkIn(_ slot: Slot) {
        state.withLock { state in
            if state.waiting.isEmpty {
                state.idle.append(slot)
            } else {
                state.waiting.removeFirst().resume(returning: slot)
            }
        }
    }
}
