/// How helm runs that change a release prove they are alive: each runs under a supervisor
/// process (`provisioner helm-supervise`) that holds a `coordination.k8s.io/v1` Lease on the
/// release while helm runs, renewing it every `retryPeriod`, and kills helm when it cannot renew
/// for `renewDeadline`, before the Lease's `duration` ends, as a Kubernetes leader that cannot
/// renew steps down. An expired Lease therefore proves that its helm is gone, and another
/// instance that finds the release pending takes it over at once instead of waiting out the
/// operation's timeout. The defaults are Kubernetes leader election's (client-go).
public struct ReleaseLeasing: Sendable, Hashable {
    /// The program that supervises helm: this provisioner's own executable.
    public var supervisor: String
    /// Who holds the Leases: this provisioner instance.
    public var instance: String
    public var duration: Duration = .seconds(15)
    public var renewDeadline: Duration = .seconds(10)
    public var retryPeriod: Duration = .seconds(2)

    public init(supervisor: String, instance: String) {
        self.supervisor = supervisor
        self.instance = instance
    }

    /// The commands that write a release's state, each marking it pending while it runs.
    static let leasedCommands: Set = ["upgrade", "install", "uninstall", "rollback"]

    /// A release's Lease: in its namespace, named for it (Lease names allow what release names do).
    public static func leaseName(release: String) -> String { "helm-release.\(release)" }

    /// The supervisor's command line for helm `arguments` on the cluster of `kubeconfig` (a file),
    /// or nil when the command needs no Lease. A Lease is live until its duration and
    /// `maxClockSkew` have passed since its holder's last renewal, unless `takeover` covers it.
    func supervised(
        helm: String,
        arguments: [String],
        kubeconfig: String,
        gracePeriod: Duration,
        maxClockSkew: Duration,
        outputLimit: Int,
        takeover: LeaseTakeover
    ) -> [String]? {
        guard let command = arguments.first, Self.leasedCommands.contains(command), let release = HelmClient.releaseName(arguments),
            let namespace = HelmClient.namespace(arguments)
        else { return nil }
        return [
            "helm-supervise", "--kubeconfig", kubeconfig, "--namespace", namespace, "--lease", Self.leaseName(release: release),
            "--holder", "\(instance)/\(command)", "--duration", "\(duration.components.seconds)",
            "--renew-deadline", "\(renewDeadline.components.seconds)", "--retry-period", "\(retryPeriod.components.seconds)",
            "--grace-period", "\(gracePeriod.components.seconds)", "--clock-skew", "\(maxClockSkew.components.seconds)",
            "--output-limit", "\(outputLimit)",
        ] + takeover.arguments + ["--", helm] + arguments + ["--kubeconfig", kubeconfig]
    }
}

/// Which Lease a helm run may take from a holder that looks live: one whose helm is known to have ended.
public enum LeaseTakeover: Sendable, Hashable {
    case none
    /// Whatever holds it: the client says every earlier attempt has ended.
    case any
    /// Only the Lease at this version: this instance saw it go unrenewed for its whole duration,
    /// which proves its holder stopped whatever the clocks say; a later write by anyone is live.
    case version(String)

    var arguments: [String] {
        switch self {
        case .none: []
        case .any: ["--take-over"]
        case .version(let version): ["--take-over-version", version]
        }
    }

    /// Whether a Lease at `version` is covered.
    public func covers(_ version: String) -> Bool {
        switch self {
        case .none: false
        case .any: true
        case .version(let stale): stale == version
        }
    }
}
