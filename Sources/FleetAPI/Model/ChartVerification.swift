/// What a chart's provenance said: Helm's `.prov`, a signed statement of the archive's sha256, checked
/// against the provisioner's keyring (`helm verify`).
public struct ChartVerification: Codable, Sendable, Hashable {
    /// The archive matched a signature by a key in the keyring.
    public var verified: Bool
    /// The signer's identities (`Name <email>`), as the key names them.
    public var signedBy: [String]?
    /// The signing key's fingerprint, upper-case hex.
    public var fingerprint: String?
    /// The archive's hash the signature covers (`sha256:...`).
    public var hash: String?
    /// Why it is not verified, e.g. the chart carries no provenance.
    public var reason: String?

    public init(verified: Bool, signedBy: [String]? = nil, fingerprint: String? = nil, hash: String? = nil, reason: String? = nil) {
        self.verified = verified
        self.signedBy = signedBy
        self.fingerprint = fingerprint
        self.hash = hash
        self.reason = reason
    }
}
