public import Crypto
import Foundation
import HTTPTypes

/// The accepted bearer tokens, kept as SHA-256 digests and compared in constant time, so neither
/// their length nor their content leaks through timing. Each stands for a `Holder`: the cloud
/// server's callers have roles and names; the provisioner's tokens stand for nobody in particular.
public struct BearerTokens<Holder: Sendable>: Sendable {
    private let entries: [(digest: [UInt8], holder: Holder)]

    public init(_ tokens: [(token: String, holder: Holder)]) {
        entries = tokens.map { (Self.digest($0.token), $0.holder) }
    }

    /// The holder of the token in an `Authorization` header value, or the 401 to answer.
    public func authenticate(_ header: String?) -> Result<Holder, APIError> {
        guard let header, header.lowercased().hasPrefix("bearer ") else {
            return .failure(APIError(.unauthorized, "missing bearer token"))
        }
        let presented = Self.digest(String(header.dropFirst("bearer ".count)))
        // Check every token, so the time taken does not say which one (if any) matched.
        var matched: Holder?
        for entry in entries where ConstantTime.equal(entry.digest, presented) { matched = entry.holder }
        guard let matched else { return .failure(APIError(.unauthorized, "invalid bearer token")) }
        return .success(matched)
    }

    /// The first holder that still has a token: a session (the dashboard's cookie) lasts only
    /// while its token is in the file.
    public func first(where matches: (Holder) -> Bool) -> Holder? {
        entries.first { matches($0.holder) }?.holder
    }

    /// A key to sign what stands for a checked token (the dashboard's session cookie), derived from
    /// every accepted token: servers with the same token file agree on it without sharing
    /// anything else, and a change to the file ends every session.
    public var sessionKey: SymmetricKey {
        var hash = SHA256()
        hash.update(data: Data("cloud dashboard session v1".utf8))
        for entry in entries { hash.update(data: entry.digest) }
        return SymmetricKey(data: Data(hash.finalize()))
    }

    private static func digest(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }
}

/// Paths every server answers without a token, so orchestrators' probes need none.
public enum ProbePaths {
    public static let open: Set<String> = ["/healthz", "/readyz"]
}
