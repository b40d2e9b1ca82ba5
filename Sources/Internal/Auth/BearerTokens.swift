import Crypto
import Foundation
import HTTPTypes

/// The accepted bearer tokens, kept as SHA-256 digests and compared in constant time, so neither
/// their length nor their content leaks through timing.
public struct BearerTokens: Sendable {
    /// Probes stay open so orchestrators need no token.
    public static let openPaths: Set<String> = ["/healthz", "/readyz"]

    /// Who holds a token: its role and name, without the token itself.
    public struct Holder: Sendable, Equatable {
        public var role: AccessRole
        public var name: String

        public init(role: AccessRole, name: String) {
            self.role = role
            self.name = name
        }
    }

    private let entries: [(digest: [UInt8], holder: Holder)]

    public init(_ entries: [TokenFile.Entry]) {
        self.entries = entries.map { (Self.digest($0.token), Holder(role: $0.role, name: $0.name)) }
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

    /// The holder with this name and role, if a token still names them: a session (the
    /// dashboard's cookie) lasts only while its token is in the file.
    public func holder(named name: String, role: AccessRole) -> Holder? {
        entries.first { $0.holder.name == name && $0.holder.role == role }?.holder
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
