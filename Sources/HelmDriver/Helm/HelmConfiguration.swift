import Foundation

/// How to run helm: which binary, with what environment, and how long its side jobs may take.
public struct HelmConfiguration: Sendable {
    /// A path, or a name looked up on PATH.
    public var executable: String
    /// The environment every helm call runs with: the executable passes its own (PATH, HOME,
    /// HELM_* settings); library code reads none. KUBECONFIG is always dropped.
    public var environment: [String: String]
    /// Between SIGTERM and SIGKILL when a helm process is stopped.
    public var gracePeriod: Duration
    /// Deadline for quick commands: history, status, repo add/update.
    public var commandTimeout: Duration
    /// Budget for clearing a failed or pending release (rollback / uninstall with --wait).
    public var cleanupTimeout: Duration
    /// Helm's --history-max: revisions kept per release.
    public var historyMax: Int
    /// Directory in which private per-deployment workspaces are created.
    public var workDirectory: String
    /// Bytes kept of each of a helm process's stdout and stderr (the tail).
    public var outputLimit: Int
    /// How far another host's clock may be from ours when a pending revision's time is judged.
    public var maxClockSkew: Duration
    /// How often a release held by another operation is looked at again.
    public var heldReleasePoll: Duration
    /// Runs that change a release hold a Lease on it while helm runs; nil: plain helm runs.
    public var leasing: ReleaseLeasing?

    public init(
        executable: String = "helm",
        environment: [String: String] = [:],
        gracePeriod: Duration = .seconds(10),
        commandTimeout: Duration = .seconds(60),
        cleanupTimeout: Duration = .seconds(300),
        historyMax: Int = 10,
        workDirectory: String = "/tmp",
        outputLimit: Int = 4 << 20,
        maxClockSkew: Duration = .seconds(15),
        heldReleasePoll: Duration = .seconds(5)
    ) {
        self.executable = executable
        self.environment = environment
        self.gracePeriod = gracePeriod
        self.commandTimeout = commandTimeout
        self.cleanupTimeout = cleanupTimeout
        self.historyMax = historyMax
        self.workDirectory = workDirectory
        self.outputLimit = outputLimit
        self.maxClockSkew = maxClockSkew
        self.heldReleasePoll = heldReleasePoll
    }
}
