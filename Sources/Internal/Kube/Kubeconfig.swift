import Foundation
import Yams

/// The parts of a kubeconfig we read: which API server the current context talks to, and which
/// values are secrets (so they can be scrubbed from anything we log or return).
public struct Kubeconfig: Sendable, Hashable {
    public var server: String
    public var namespace: String?
    /// Tokens, passwords and private keys found in the file.
    public var secrets: [String]
    /// How to reach and authenticate to `server`.
    public var credentials: Credentials

    public struct Credentials: Sendable, Hashable {
        public var bearerToken: String?
        public var username: String?
        public var password: String?
        public var certificateAuthority: Data?
        public var clientCertificate: Data?
        public var clientKey: Data?
        public var insecureSkipTLSVerify: Bool
    }

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public var reason: String
        public var description: String { reason }
    }

    public init(parsing text: String) throws(Invalid) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Invalid(reason: "kubeconfig is empty")
        }
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: text)
        } catch {
            throw Invalid(reason: "kubeconfig is not a valid kubeconfig document")
        }
        let contexts = file.contexts ?? []
        let contextName = file.currentContext ?? (contexts.count == 1 ? contexts[0].name : nil)
        guard let contextName, !contextName.isEmpty else {
            throw Invalid(reason: "kubeconfig has no current-context")
        }
        guard let context = contexts.first(where: { $0.name == contextName })?.context else {
            throw Invalid(reason: "kubeconfig's current-context \"\(contextName)\" is not defined")
        }
        guard let cluster = file.clusters?.first(where: { $0.name == context.cluster })?.cluster else {
            throw Invalid(reason: "kubeconfig's cluster \"\(context.cluster)\" is not defined")
        }
        guard let url = URL(string: cluster.server), ["http", "https"].contains(url.scheme), url.host != nil else {
            throw Invalid(reason: "kubeconfig's cluster server is not an http(s) URL")
        }
        server = cluster.server
        namespace = context.namespace
        let user = file.users?.first(where: { $0.name == context.user })?.user
        secrets = [user?.token, user?.password, user?.clientKeyData].compactMap { $0 }.filter { $0.count >= 4 }
        func decoded(_ base64: String?, _ what: String) throws(Invalid) -> Data? {
            guard let base64 else { return nil }
            guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
                throw Invalid(reason: "kubeconfig's \(what) is not base64")
            }
            return data
        }
        credentials = Credentials(
            bearerToken: user?.token, username: user?.username, password: user?.password,
            certificateAuthority: try decoded(cluster.certificateAuthorityData, "certificate-authority-data"),
            clientCertificate: try decoded(user?.clientCertificateData, "client-certificate-data"),
            clientKey: try decoded(user?.clientKeyData, "client-key-data"),
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify ?? false)
    }

    private struct File: Decodable {
        var clusters: [NamedCluster]?
        var contexts: [NamedContext]?
        var users: [NamedUser]?
        var currentContext: String?

        enum CodingKeys: String, CodingKey {
            case clusters, contexts, users, currentContext = "current-context"
        }
    }

    private struct NamedCluster: Decodable {
        var name: String
        var cluster: Cluster
    }

    private struct NamedUser: Decodable {
        var name: String
        var user: User?
    }

    private struct NamedContext: Decodable {
        var name: String
        var context: Context
    }

    private struct Context: Decodable {
        var cluster: String
        var user: String?
        var namespace: String?
    }

    private struct Cluster: Decodable {
        var server: String
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?

        enum CodingKeys: String, CodingKey {
            case server, certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        }
    }

    private struct User: Decodable {
        var token: String?
        var username: String?
        var password: String?
        var clientCertificateData: String?
        var clientKeyData: String?

        enum CodingKeys: String, CodingKey {
            case token, username, password
            case clientCertificateData = "client-certificate-data", clientKeyData = "client-key-data"
        }
    }
}

/// Removes secrets from text bound for logs or API responses.
public struct Redactor: Sendable {
    private let secrets: [String]

    public init(secrets: [String]) {
        self.secrets = secrets.sorted { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets { result = result.replacingOccurrences(of: secret, with: "[REDACTED]") }
        return result.replacing(/(?i)(bearer\s+)[A-Za-z0-9._~+\/=-]{8,}/) { "\($0.output.1)[REDACTED]" }
    }
}
