import FleetAPI
import Hummingbird
import ServerSupport
import Synchronization

/// What `GET /api/deployment/{id}` reads: the latest status of every retained deployment, published
/// by `JobQueue` at each change. Kept apart from the actor so that a read takes a lock instead of a
/// hop onto the actor's executor, and a finished status, which never changes again, is encoded
/// once instead of at every read (the profile of the status route: 24% JSON encoding, and the hop
/// cost another 13% of a bare route's rate).
final class StatusBoard: Sendable {
    /// A status as the route answers it.
    enum Answer: Sendable {
        case status(DeploymentStatus)
        /// A finished status's JSON.
        case json(ByteBuffer)
    }

    private struct Entry {
        var answer: Answer
        /// When a finished deployment stops being retained; the queue prunes its own copy lazily,
        /// so reads check this themselves.
        var expires: ContinuousClock.Instant?
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let retention: Duration

    init(retention: Duration) {
        self.retention = retention
    }

    func answer(for id: String, now: ContinuousClock.Instant = .now) -> Answer? {
        entries.withLock { entries in
            guard let entry = entries[id] else { return nil }
            if let expires = entry.expires, expires <= now { return nil }
            return entry.answer
        }
    }

    /// The length of a finished status's JSON; nil for one still in flight.
    func encodedSize(of id: String) -> Int? {
        entries.withLock { entries in
            guard case .json(let json)? = entries[id]?.answer else { return nil }
            return json.readableBytes
        }
    }

    /// Records `status` as the latest; a finished one is encoded here, once.
    func publish(_ status: DeploymentStatus, now: ContinuousClock.Instant = .now) {
        var entry = Entry(answer: .status(status), expires: nil)
        if status.state.isFinal, let json = try? JSONResponse.encode(status) {
            entry = Entry(answer: .json(json), expires: now + retention)
        }
        entries.withLock { $0[status.id] = entry }
    }

    func remove(_ ids: some Sequence<String>) {
        entries.withLock { entries in
            for id in ids { entries[id] = nil }
        }
    }
}
