import FleetAPI
import Logging
import ServerSupport
import ServiceLifecycle

/// Follows the Git repository of profiles (`--profiles-git`): every `interval`, and when
/// `POST /api/profiles/sync` asks, fetches the followed ref and, when it points at a commit not
/// yet applied, applies that commit's profiles (`Fleet.applyGit`). Of several servers sharing a
/// database, the one holding the `profiles-git` lease syncs, so a commit is applied once.
final class ProfileGitSync: Service, Sendable {
    let fleet: Fleet
    let repository: ProfileRepository
    let interval: Duration
    let owner: String
    let logger: Logger
    /// Woken by `POST /api/profiles/sync`.
    let requests: Wakeup

    static let lease = "profiles-git"
    /// The store's name for this source.
    static let source = "git"

    init(fleet: Fleet, repository: ProfileRepository, interval: Duration, owner: String, requests: Wakeup, logger: Logger) {
        self.fleet = fleet
        self.repository = repository
        self.interval = interval
        self.owner = owner
        self.requests = requests
        self.logger = logger
    }

    func run() async throws {
        await requests.serve(every: interval, clock: fleet.clock) { await sync() }
    }

    /// One sync, if this server holds the lease; where the source stands afterwards, nil when
    /// another server holds the lease or the store could not be read.
    @discardableResult
    func sync() async -> ProfileSourceState? {
        let configuration = repository.configuration
        do {
            let now = fleet.now()
            guard try await fleet.store.claimLeadership(Self.lease, owner: owner, now: now, until: now + (interval * 3).milliseconds) else {
                return nil
            }
            let before = try await fleet.store.profileSource(Self.source)
            var state = ProfileSourceState(
                url: repository.shownURL,
                ref: configuration.ref,
                path: configuration.path,
                commit: before?.commit,
                syncedAt: now
            )
            var fetched: String?
            do {
                let commit = try await repository.fetch()
                fetched = commit
                if commit != before?.commit || before?.error != nil {
                    let applied = try await fleet.applyGit(try await repository.documents(at: commit), commit: commit)
                    state.commit = commit
                    logger.notice(
                        "profiles applied from git",
                        metadata: ["commit": "\(commit)", "applied": "\(applied.applied)", "deleted": "\(applied.deleted)"]
                    )
                }
            } catch {
                state.error = "\(error)"
                state.failedCommit = fetched
                logger.error("profiles not applied from git", metadata: ["url": "\(repository.shownURL)", "error": "\(error)"])
            }
            try await fleet.store.recordProfileSource(Self.source, state)
            return state
        } catch {
            logger.error("profile sync failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
