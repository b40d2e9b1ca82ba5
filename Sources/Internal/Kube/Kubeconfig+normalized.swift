import Foundation
import Yams

extension Kubeconfig {
    /// The kubeconfig file helm is given: one cluster, one context and one user holding only the
    /// fields this value carries, so nothing of the text received reaches client-go unchecked.
    public var normalized: String {
        var cluster: [(String, Node)] = [("server", Self.text(server))]
        if let authority = credentials.certificateAuthority {
            cluster.append(("certificate-authority-data", Self.text(authority.base64EncodedString())))
        }
        if let name = credentials.tlsServerName { cluster.append(("tls-server-name", Self.text(name))) }
        if credentials.insecureSkipTLSVerify { cluster.append(("insecure-skip-tls-verify", Self.flag(true))) }
        if credentials.disableCompression { cluster.append(("disable-compression", Self.flag(true))) }

        var user: [(String, Node)] = []
        if let token = credentials.bearerToken { user.append(("token", Self.text(token))) }
        // client-go reads a tokenFile again once its cached token is a minute old
        // (transport/token_source.go, NewCachedFileTokenSource), so a refreshed token reaches helm.
        if let file = credentials.bearerTokenFile { user.append(("tokenFile", Self.text(file))) }
        if let username = credentials.username { user.append(("username", Self.text(username))) }
        if let password = credentials.password { user.append(("password", Self.text(password))) }
        if let certificate = credentials.clientCertificate {
            user.append(("client-certificate-data", Self.text(certificate.base64EncodedString())))
        }
        if let key = credentials.clientKey { user.append(("client-key-data", Self.text(key.base64EncodedString()))) }
        if let exec = credentials.exec { user.append(("exec", Self.node(exec))) }

        var context: [(String, Node)] = [("cluster", Self.text(Self.entryName)), ("user", Self.text(Self.entryName))]
        if let namespace { context.append(("namespace", Self.text(namespace))) }

        let document = Self.mapping([
            ("apiVersion", Self.text("v1")),
            ("kind", Self.text("Config")),
            ("clusters", .sequence(.init([Self.mapping([("name", Self.text(Self.entryName)), ("cluster", Self.mapping(cluster))])]))),
            ("users", .sequence(.init([Self.mapping([("name", Self.text(Self.entryName)), ("user", Self.mapping(user))])]))),
            ("contexts", .sequence(.init([Self.mapping([("name", Self.text(Self.entryName)), ("context", Self.mapping(context))])]))),
            ("current-context", Self.text(Self.entryName)),
        ])
        // Serialising nodes we built from strings, booleans and lists cannot fail.
        return (try? Yams.serialize(node: document)) ?? ""
    }

    /// The name of the one cluster, user and context.
    static let entryName = "target"

    private static func node(_ exec: ExecPlugin) -> Node {
        var fields: [(String, Node)] = []
        if let apiVersion = exec.apiVersion { fields.append(("apiVersion", text(apiVersion))) }
        fields.append(("command", text(exec.command)))
        if !exec.args.isEmpty { fields.append(("args", .sequence(.init(exec.args.map(text))))) }
        if !exec.env.isEmpty {
            fields.append(("env", .sequence(.init(exec.env.map { mapping([("name", text($0.name)), ("value", text($0.value))]) }))))
        }
        if let hint = exec.installHint { fields.append(("installHint", text(hint))) }
        if exec.provideClusterInfo { fields.append(("provideClusterInfo", flag(true))) }
        if let mode = exec.interactiveMode { fields.append(("interactiveMode", text(mode))) }
        return mapping(fields)
    }

    /// A string scalar, quoted where YAML would otherwise read it as another type ("true", "1").
    private static func text(_ value: String) -> Node { .scalar(value.represented()) }

    private static func flag(_ value: Bool) -> Node { .scalar(value.represented()) }

    private static func mapping(_ pairs: [(String, Node)]) -> Node {
        .mapping(.init(pairs.map { (text($0.0), $0.1) }))
    }
}
