/// What a kubeconfig from outside may make the process that uses it do. By default a kubeconfig
/// carries data only: nothing in it can start a process, read a local file or send traffic
/// through a proxy, and its server is an address the API-server policy allows.
public struct KubeconfigPolicy: Sendable, Hashable {
    /// Accept a user's `exec` credential plugin. client-go runs its command on every connection,
    /// so this is for sites where everyone who can submit a kubeconfig may also run commands on
    /// the provisioner's host.
    public var allowExec: Bool
    /// Where `server` may point (`--allowed-api-server`).
    public var servers: AddressPolicy

    public init(allowExec: Bool = false, servers: AddressPolicy = .apiServers) {
        self.allowExec = allowExec
        self.servers = servers
    }

    public static let dataOnly = KubeconfigPolicy()
}
