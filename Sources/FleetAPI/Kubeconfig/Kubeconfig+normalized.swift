import Foundation

extension Kubeconfig {
    /// The kubeconfig file helm is given: one cluster, one context and one user holding only the
    /// fields this value carries, so nothing of the text received reaches client-go unchecked.
    ///
    /// Written as JSON, which is YAML too: client-go reads a kubeconfig with sigs.k8s.io/yaml,
    /// which takes JSON as it is (tools/clientcmd/loader.go, Load), and a JSON encoder costs a
    /// fraction of a YAML emitter on a path every deployment takes.
    public var normalized: String {
        var cluster: [String: JSONValue] = ["server": .string(server)]
        if let authority = credentials.certificateAuthority {
            cluster["certificate-authority-data"] = .string(authority.base64EncodedString())
        }
        if let name = credentials.tlsServerName { cluster["tls-server-name"] = .string(name) }
        if credentials.insecureSkipTLSVerify { cluster["insecure-skip-tls-verify"] = .bool(true) }
        if credentials.disableCompression { cluster["disable-compression"] = .bool(true) }

        var user: [String: JSONValue] = [:]
        if let token = credentials.bearerToken { user["token"] = .string(token) }
        // client-go reads a tokenFile again once its cached token is a minute old
        // (transport/token_source.go, NewCachedFileTokenSource), so a refreshed token reaches helm.
        if let file = credentials.bearerTokenFile { user["tokenFile"] = .string(file) }
        if let username = credentials.username { user["username"] = .string(username) }
        if let password = credentials.password { user["password"] = .string(password) }
        if let certificate = credentials.clientCertificate {
            user["client-certificate-data"] = .string(certificate.base64EncodedString())
        }
        if let key = credentials.clientKey { user["client-key-data"] = .string(key.base64EncodedString()) }
        if let exec = credentials.exec { user["exec"] = Self.value(exec) }

        var context: [String: JSONValue] = ["cluster": .string(Self.entryName), "user": .string(Self.entryName)]
        if let namespace { context["namespace"] = .string(namespace) }

        let name = JSONValue.string(Self.entryName)
        let document: JSONValue = .object([
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": .array([.object(["name": name, "cluster": .object(cluster)])]),
            "users": .array([.object(["name": name, "user": .object(user)])]),
            "contexts": .array([.object(["name": name, "context": .object(context)])]),
            "current-context": name,
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, booleans, arrays and objects cannot fail.
        return (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The name of the one cluster, user and context.
    static let entryName = "target"

    private static func value(_ exec: ExecPlugin) -> JSONValue {
        var fields: [String: JSONValue] = ["command": .string(exec.command)]
        if let apiVersion = exec.apiVersion { fields["apiVersion"] = .string(apiVersion) }
        if !exec.args.isEmpty { fields["args"] = .array(exec.args.map(JSONValue.string)) }
        if !exec.env.isEmpty {
            fields["env"] = .array(exec.env.map { .object(["name": .string($0.name), "value": .string($0.value)]) })
        }
        if let hint = exec.installHint { fields["installHint"] = .string(hint) }
        if exec.provideClusterInfo { fields["provideClusterInfo"] = .bool(true) }
        if let mode = exec.interactiveMode { fields["interactiveMode"] = .string(mode) }
        return .object(fields)
    }
}

extension Kubeconfig {
    /// Reads back what `normalized` wrote: a file this process made from a kubeconfig it had
    /// checked already (helm's, read by the supervisor that runs helm), so no policy applies; nil
    /// for anything else.
    public init?(normalized text: String) {
        guard let document = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let cluster = ((document["clusters"] as? [[String: Any]])?.first?["cluster"]) as? [String: Any],
            let server = cluster["server"] as? String
        else { return nil }
        let user = ((document["users"] as? [[String: Any]])?.first?["user"]) as? [String: Any] ?? [:]
        let context = ((document["contexts"] as? [[String: Any]])?.first?["context"]) as? [String: Any] ?? [:]
        let data = { (value: Any?) in (value as? String).flatMap { Data(base64Encoded: $0) } }
        self.init(
            server: server,
            namespace: context["namespace"] as? String,
            credentials: Credentials(
                bearerToken: user["token"] as? String,
                username: user["username"] as? String,
                password: user["password"] as? String,
                certificateAuthority: data(cluster["certificate-authority-data"]),
                clientCertificate: data(user["client-certificate-data"]),
                clientKey: data(user["client-key-data"]),
                insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"] as? Bool ?? false,
                tlsServerName: cluster["tls-server-name"] as? String,
                disableCompression: cluster["disable-compression"] as? Bool ?? false,
                bearerTokenFile: user["tokenFile"] as? String
            )
        )
    }
}
