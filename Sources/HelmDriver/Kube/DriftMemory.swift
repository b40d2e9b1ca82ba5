import Synchronization

/// What a provisioner remembers of the drift checks that found a release in sync: the stored
/// revision's Secret and the version of every live object compared. When the next check finds
/// the same Secret and every object at the same version, nothing can have changed, so the release
/// is not read nor its objects compared again: a check of a fleet nobody touched costs a few
/// metadata-only lists per cluster (the drift monitor's cost over 10,000 clusters, `bench/drift`).
///
/// Only sameness is remembered, never a verdict from elsewhere: each check still reads the
/// release's Secrets and every object's version from the cluster. A release whose check found drift is not
/// remembered. Bounded: past `capacity` releases, the least recently checked tenth is forgotten.
public final class DriftMemory: Sendable {
    public struct Entry: Sendable {
        public var stored: StoredRelease
        public var compared: [ComparedObject]

        public init(stored: StoredRelease, compared: [ComparedObject]) {
            self.stored = stored
            self.compared = compared
        }
    }

    /// A release on one API server.
    private struct Key: Hashable {
        var server: String
        var release: ReleaseRef
    }

    private struct Remembered {
        var secret: LiveVersion
        var entry: Entry
        var used: UInt64
    }

    private struct State {
        var entries: [Key: Remembered] = [:]
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())
    let capacity: Int

    public init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    /// The in-sync check of this very revision (the same Secret, unchanged) on this API server.
    public func entry(server: String, revision: HelmReleaseRevision) -> Entry? {
        guard let version = revision.version else { return nil }
        return state.withLock { state in
            let key = Key(server: server, release: revision.release)
            guard var found = state.entries[key], found.secret == version else { return nil }
            state.clock += 1
            found.used = state.clock
            state.entries[key] = found
            return found.entry
        }
    }

    /// Remembers a check that found the release in sync (`entry`), or forgets the release.
    public func record(server: String, revision: HelmReleaseRevision, entry: Entry?) {
        let key = Key(server: server, release: revision.release)
        state.withLock { state in
            guard let entry, let version = revision.version else {
                state.entries[key] = nil
                return
            }
            state.clock += 1
            state.entries[key] = Remembered(secret: version, entry: entry, used: state.clock)
            if state.entries.count > capacity {
                let oldest = state.entries.sorted { $0.value.used < $1.value.used }.prefix(max(1, capacity / 10)).map(\.key)
                for key in oldest { state.entries[key] = nil }
            }
        }
    }

    public var count: Int { state.withLock { $0.entries.count } }
}
