public import Foundation

/// TLS settings beyond the system's trust store, e.g. a kubeconfig's CA and client certificate.
public struct TLSOptions: Sendable {
    public var certificateAuthority: Data?
    public var clientCertificate: Data?
    public var clientKey: Data?
    public var insecureSkipVerify: Bool

    public init(certificateAuthority: Data? = nil, clientCertificate: Data? = nil, clientKey: Data? = nil, insecureSkipVerify: Bool = false) {
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
    }
}
