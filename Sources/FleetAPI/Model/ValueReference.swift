/// A value kept in AWS that the provisioner puts into a deployment's values when it applies it,
/// with its own credentials: the secret itself is never sent, stored or shown by either server,
/// only where it lives. `{"Path": "grafana.adminPassword", "SecretsManager": {"SecretID":
/// "prod/grafana", "Key": "password"}}` fills `grafana.adminPassword` with the `password` field of
/// that secret's JSON; without `Key`, with the whole secret string.
public struct ValueReference: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Where in the values it goes: keys separated by dots (`controller.admin.password`).
    public var path: String
    public var secretsManager: SecretsManagerSecret?
    public var ssmParameter: SSMParameter?
    /// A field of the value when it is a JSON object; nil takes the value whole.
    public var key: String?

    public struct SecretsManagerSecret: Codable, Sendable, Hashable {
        /// The secret's name or ARN.
        public var secretID: String
        public init(secretID: String) { self.secretID = secretID }
    }

    public struct SSMParameter: Codable, Sendable, Hashable {
        /// The parameter's name (`/prod/slack/url`) or ARN; a SecureString is decrypted.
        public var name: String
        public init(name: String) { self.name = name }
    }

    public init(path: String, secretsManager: SecretsManagerSecret? = nil, ssmParameter: SSMParameter? = nil, key: String? = nil) {
        self.path = path
        self.secretsManager = secretsManager
        self.ssmParameter = ssmParameter
        self.key = key
    }

    /// Where the value lives, as logs and errors may name it.
    public var description: String {
        let field = key.map { "#\($0)" } ?? ""
        if let secretsManager { return "secretsmanager:\(secretsManager.secretID)\(field)" }
        if let ssmParameter { return "ssm:\(ssmParameter.name)\(field)" }
        return "nowhere"
    }

    /// The keys of `path`.
    public var keys: [String] { path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
}
