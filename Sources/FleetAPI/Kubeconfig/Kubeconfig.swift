public import Foundation

/// A kubeconfig reduced to what we use: one API server, how to trust it, one set of credentials
/// and a namespace. Made by validating outside text (`init(parsing:policy:)`, which refuses
/// anything that could start a process or read a file) or built directly; either way the file
/// helm sees is `normalized`, never the text received.
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
        /// The name to verify the server's certificate against, when it differs from the URL's host.
        public var tlsServerName: String?
        public var disableCompression: Bool
        /// Only ever set when the policy allowed it.
        public var exec: ExecPlugin?
        /// A file the provisioner itself keeps a bearer token in and rewrites while helm runs
        /// (EKS tokens live 15 minutes). Parsing never sets it: requests cannot name files.
        public var bearerTokenFile: String?

        public init(
            bearerToken: String? = nil,
            username: String? = nil,
            password: String? = nil,
            certificateAuthority: Data? = nil,
            clientCertificate: Data? = nil,
            clientKey: Data? = nil,
            insecureSkipTLSVerify: Bool = false,
            tlsServerName: String? = nil,
            disableCompression: Bool = false,
            exec: ExecPlugin? = nil,
            bearerTokenFile: String? = nil
        ) {
            self.bearerToken = bearerToken
            self.username = username
            self.password = password
            self.certificateAuthority = certificateAuthority
            self.clientCertificate = clientCertificate
            self.clientKey = clientKey
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.tlsServerName = tlsServerName
            self.disableCompression = disableCompression
            self.exec = exec
            self.bearerTokenFile = bearerTokenFile
        }
    }

    /// A client-go exec credential plugin, field by field as client-go's `ExecConfig` has them.
    public struct ExecPlugin: Sendable, Hashable {
        public var apiVersion: String?
        public var command: String
        public var args: [String]
        public var env: [EnvVar]
        public var installHint: String?
        public var provideClusterInfo: Bool
        public var interactiveMode: String?

        public struct EnvVar: Sendable, Hashable {
            public var name: String
            public var value: String

            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }

        public init(
            apiVersion: String? = nil,
            command: String,
            args: [String] = [],
            env: [EnvVar] = [],
            installHint: String? = nil,
            provideClusterInfo: Bool = false,
            interactiveMode: String? = nil
        ) {
            self.apiVersion = apiVersion
            self.command = command
            self.args = args
            self.env = env
            self.installHint = installHint
            self.provideClusterInfo = provideClusterInfo
            self.interactiveMode = interactiveMode
        }
    }

    /// Why a kubeconfig was refused, and the key at fault when there is one (e.g.
    /// `users[admin].user.exec`).
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public var reason: String
        public var key: String?
        public var description: String { reason }

        public init(reason: String, key: String? = nil) {
            self.reason = reason
            self.key = key
        }
    }

    public init(server: String, namespace: String? = nil, credentials: Credentials) {
        self.server = server
        self.namespace = namespace
        self.credentials = credentials
        let base64Key = credentials.clientKey?.base64EncodedString()
        let env = credentials.exec?.env.map(\.value) ?? []
        secrets = ([credentials.bearerToken, credentials.password, base64Key].compactMap { $0 } + env).filter { $0.count >= 4 }
    }
}
