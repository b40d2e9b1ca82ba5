import FleetAPI
public import Logging

/// Keeps a short-lived bearer token fresh in a private file while an operation runs: EKS tokens
/// live 15 minutes and a helm process may run for an hour, re-reading the file as client-go does.
/// The refreshing is a child task of the operation, so it cannot outlive it.
public struct TokenFileRefresher<C: Clock>: Sendable where C.Duration == Duration {
    /// A token is signed with credentials valid for at least five more minutes (the credentials
    /// provider's margin) and client-go re-reads the file within a minute, so rewriting it every
    /// three minutes means helm never holds a token whose credentials have expired; failures get
    /// several retries within the token's 15 minutes.
    public var interval: Duration
    public var retryInterval: Duration
    let clock: C
    let logger: Logger

    public init(interval: Duration = .seconds(180), retryInterval: Duration = .seconds(30), clock: C, logger: Logger) {
        self.interval = interval
        self.retryInterval = retryInterval
        self.clock = clock
        self.logger = logger
    }

    /// Writes a first token to `name` in `workspace` (its failure is the operation's), then runs
    /// `body` with the file's path while the file is rewritten with a new token every `interval`.
    public func run<T>(
        in workspace: PrivateWorkspace,
        file name: String,
        token: @escaping @Sendable () async throws -> String,
        _ body: (String) async -> T
    ) async throws -> T {
        let path = try workspace.replace(name, try await token())
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { await refresh(workspace, name, token) }
            let result = await body(path)
            group.cancelAll()
            return result
        }
    }

    private func refresh(_ workspace: PrivateWorkspace, _ name: String, _ token: @Sendable () async throws -> String) async {
        var delay = interval
        while true {
            do {
                try await clock.sleep(for: delay)
            } catch {
                return
            }
            do {
                try workspace.replace(name, try await token())
                delay = interval
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "refreshing a token file failed; the current token stays until it expires",
                    metadata: [
                        "file": "\(name)", "error": "\(error)", "retry_in_ms": "\(retryInterval.milliseconds)",
                    ]
                )
                delay = retryInterval
            }
        }
    }
}
