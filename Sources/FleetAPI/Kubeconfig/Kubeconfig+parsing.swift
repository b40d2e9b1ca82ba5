import Foundation
import Yams

extension Kubeconfig {
    /// Reads a kubeconfig from outside: the selected context, its cluster and its user. Every key
    /// of those three is checked against `KubeconfigFields`, so what client-go would turn into a
    /// process, a file read or a detour (exec, auth-provider, tokenFile, file paths, proxy-url,
    /// and fields nobody told us about) is refused with the key named. Other contexts, clusters
    /// and users are never used: the normalised file holds only the selected ones.
    /// Scalars are read as strings or, where a field is a flag, as booleans, and null is nothing:
    /// only those rules. Yams resolves a scalar's tag at every key lookup, and its other rules
    /// (ints, floats, timestamps, each a regex) made parsing the cost of a drift check of a cluster.
    static let scalarResolver = Resolver.basic.appending(.bool).appending(.null)

    public init(parsing text: String, policy: KubeconfigPolicy = .dataOnly) throws(Invalid) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Invalid(reason: "kubeconfig is empty")
        }
        let parsed: Node?
        do {
            parsed = try Yams.compose(yaml: text, Self.scalarResolver)
        } catch {
            throw Invalid(reason: "kubeconfig is not a valid kubeconfig document")
        }
        guard let root = parsed?.mapping else { throw Invalid(reason: "kubeconfig is not a valid kubeconfig document") }
        let top = try KubeconfigFieldReader(.mapping(root), path: "")

        let contextName: String
        if let current = try top.string("current-context"), !current.isEmpty {
            contextName = current
        } else {
            let names = try Self.names(in: root, list: "contexts")
            guard names.count == 1 else { throw Invalid(reason: "kubeconfig has no current-context") }
            contextName = names[0]
        }
        guard let context = try Self.entry(contextName, in: root, list: "contexts", kind: "context") else {
            throw Invalid(reason: "kubeconfig's current-context \"\(contextName)\" is not defined", key: "current-context")
        }
        try context.check(KubeconfigFields.context)
        guard let clusterName = try context.string("cluster"), !clusterName.isEmpty else {
            throw Invalid(reason: "kubeconfig: \(context.at("cluster")) is missing", key: context.at("cluster"))
        }
        guard let cluster = try Self.entry(clusterName, in: root, list: "clusters", kind: "cluster") else {
            throw Invalid(reason: "kubeconfig's cluster \"\(clusterName)\" is not defined", key: context.at("cluster"))
        }
        try cluster.check(KubeconfigFields.cluster)
        let user = try (try context.string("user")).flatMap { name throws(Invalid) in
            try Self.entry(name, in: root, list: "users", kind: "user")
        }
        try user?.check(KubeconfigFields.user(policy))

        guard let server = try cluster.string("server"), let url = URL(string: server),
            ["http", "https"].contains(url.scheme?.lowercased()), let host = url.host, !host.isEmpty
        else {
            throw Invalid(reason: "kubeconfig: \(cluster.at("server")) must be an http(s) URL", key: cluster.at("server"))
        }
        do {
            try policy.servers.check(try URLTarget(parsing: server))
        } catch {
            throw Invalid(reason: "kubeconfig: \(cluster.at("server")) is refused: \(error)", key: cluster.at("server"))
        }
        if let user, url.scheme?.lowercased() == "http", !Loopback.contains(host) {
            for key in ["username", "password"] where user.has(key) {
                let why = "basic auth over plain http to \(host) would send the password in the clear; use https"
                throw Invalid(reason: "kubeconfig: \(user.at(key)) is refused: \(why)", key: user.at(key))
            }
        }
        let credentials = Credentials(
            bearerToken: try user?.string("token"),
            username: try user?.string("username"),
            password: try user?.string("password"),
            certificateAuthority: try cluster.base64("certificate-authority-data"),
            clientCertificate: try user?.base64("client-certificate-data"),
            clientKey: try user?.base64("client-key-data"),
            insecureSkipTLSVerify: try cluster.bool("insecure-skip-tls-verify"),
            tlsServerName: try cluster.string("tls-server-name"),
            disableCompression: try cluster.bool("disable-compression"),
            exec: try user.flatMap { user throws(Invalid) in try Self.exec(of: user) }
        )
        self.init(server: server, namespace: try context.string("namespace"), credentials: credentials)
    }

    /// The names in a `{name, <kind>}` list such as `contexts:`.
    private static func names(in root: Node.Mapping, list: String) throws(Invalid) -> [String] {
        guard let items = root[list], items.null == nil else { return [] }
        guard case .sequence(let entries) = items else {
            throw Invalid(reason: "kubeconfig: \(list) must be a list", key: list)
        }
        var names: [String] = []
        for entry in entries {
            guard let name = entry.mapping?["name"]?.scalar?.string else {
                throw Invalid(reason: "kubeconfig: every entry of \(list) needs a name", key: list)
            }
            names.append(name)
        }
        return names
    }

    /// The `<kind>` mapping of the entry called `name` in `list`; nil when there is none.
    private static func entry(_ name: String, in root: Node.Mapping, list: String, kind: String) throws(Invalid) -> KubeconfigFieldReader? {
        let names = try names(in: root, list: list)
        guard let index = names.firstIndex(of: name) else { return nil }
        guard names.lastIndex(of: name) == index else {
            throw Invalid(reason: "kubeconfig: \(list)[\(name)] is defined twice", key: "\(list)[\(name)]")
        }
        guard case .sequence(let entries)? = root[list], let wrapper = entries[index].mapping else { return nil }
        let path = "\(list)[\(name)]"
        try KubeconfigFieldReader(.mapping(wrapper), path: path).check(KubeconfigFields.named(kind))
        return try KubeconfigFieldReader(wrapper[kind], path: "\(path).\(kind)")
    }

    private static func exec(of user: KubeconfigFieldReader) throws(Invalid) -> ExecPlugin? {
        guard let node = user.value("exec") else { return nil }
        let exec = try KubeconfigFieldReader(node, path: user.at("exec"))
        try exec.check(KubeconfigFields.exec)
        guard let command = try exec.string("command"), !command.isEmpty else {
            throw Invalid(reason: "kubeconfig: \(exec.at("command")) is missing", key: exec.at("command"))
        }
        var env: [ExecPlugin.EnvVar] = []
        if let list = exec.value("env") {
            guard case .sequence(let items) = list else {
                throw Invalid(reason: "kubeconfig: \(exec.at("env")) must be a list of {name, value}", key: exec.at("env"))
            }
            for (index, item) in items.enumerated() {
                let variable = try KubeconfigFieldReader(item, path: "\(exec.at("env"))[\(index)]")
                try variable.check(KubeconfigFields.execEnv)
                guard let name = try variable.string("name"), !name.isEmpty else {
                    throw Invalid(reason: "kubeconfig: \(variable.at("name")) is missing", key: variable.at("name"))
                }
                env.append(ExecPlugin.EnvVar(name: name, value: try variable.string("value") ?? ""))
            }
        }
        return ExecPlugin(
            apiVersion: try exec.string("apiVersion"),
            command: command,
            args: try exec.strings("args"),
            env: env,
            installHint: try exec.string("installHint"),
            provideClusterInfo: try exec.bool("provideClusterInfo"),
            interactiveMode: try exec.string("interactiveMode")
        )
    }
}
