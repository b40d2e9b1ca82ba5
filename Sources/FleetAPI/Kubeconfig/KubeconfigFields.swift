/// What we do with each field client-go knows in the parts of a kubeconfig we use (its
/// `Cluster`, `AuthInfo`, `Context` and `ExecConfig`, k8s.io/client-go/tools/clientcmd/api/v1).
/// A field missing here is refused: a new client-go feature must not open a hole silently.
enum KubeconfigFields {
    enum Rule: Sendable {
        /// Validated and written into the normalised file.
        case carried
        /// Has no effect on the connection; left out of the normalised file.
        case dropped
        case refused(String)
    }

    static let cluster: [String: Rule] = [
        "server": .carried,
        "certificate-authority-data": .carried,
        "insecure-skip-tls-verify": .carried,
        "tls-server-name": .carried,
        "disable-compression": .carried,
        "extensions": .dropped,
        "certificate-authority": .refused(localFile(instead: "certificate-authority-data")),
        "proxy-url": .refused("a proxy would carry the cluster's traffic, credentials included, through another host"),
    ]

    static func user(_ policy: KubeconfigPolicy) -> [String: Rule] {
        let impersonation = Rule.refused("impersonation is not supported")
        return [
            "token": .carried,
            "username": .carried,
            "password": .carried,
            "client-certificate-data": .carried,
            "client-key-data": .carried,
            "exec": policy.allowExec
                ? .carried : .refused("an exec plugin runs a command on this host (allowed only with --allow-kubeconfig-exec)"),
            "auth-provider": .refused("an auth provider runs login helpers on this host, and may run a command; give token instead"),
            "tokenFile": .refused("it names a file on this host whose content would be sent as the token; give token instead"),
            "client-certificate": .refused(localFile(instead: "client-certificate-data")),
            "client-key": .refused(localFile(instead: "client-key-data")),
            "as": impersonation,
            "as-uid": impersonation,
            "as-groups": impersonation,
            "as-user-extra": impersonation,
            "extensions": .dropped,
        ]
    }

    static let context: [String: Rule] = [
        "cluster": .carried,
        "user": .carried,
        "namespace": .carried,
        "extensions": .dropped,
    ]

    static let exec: [String: Rule] = [
        "apiVersion": .carried,
        "command": .carried,
        "args": .carried,
        "env": .carried,
        "installHint": .carried,
        "provideClusterInfo": .carried,
        "interactiveMode": .carried,
    ]

    static let execEnv: [String: Rule] = ["name": .carried, "value": .carried]

    /// The `{name, cluster}` entries of `clusters:` and their kind.
    static func named(_ section: String) -> [String: Rule] {
        ["name": .carried, section: .carried]
    }

    private static func localFile(instead data: String) -> String {
        "it names a file on this host; give \(data) instead"
    }
}
