import Crypto
import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport

/// What a caller reads of deployments' values. A viewer gets every string at or below a secret's
/// key (`SecretValues`) as a keyed digest: equal values still compare equal, and unlike a plain
/// hash a short password cannot be guessed from it offline. Operators and admins get the values
/// whole, and their reads of secrets are audited. Without tokens there are no roles: everything is
/// shown, as everything else is.
struct ValuesView: Sendable {
    /// nil: the server runs without tokens.
    let tokens: LiveTokens?
    /// Where reads of secrets are recorded.
    let audit: any AuditStore
    var secrets = SecretValues()

    /// The digests' own key, derived from the one the sessions are signed with (so from the token
    /// file as it is now): a digest says nothing of either.
    var key: SymmetricKey? {
        tokens.map { tokens in
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("values view v1".utf8), using: tokens.current.sessionKey))
        }
    }

    /// Whether `role` reads values whole.
    func showsSecrets(to role: AccessRole) -> Bool { tokens == nil || role >= .operator }

    /// The values as `role` may read them.
    func values(_ values: JSONValue?, for role: AccessRole) -> JSONValue? {
        guard let values, let key, !showsSecrets(to: role) else { return values }
        return secrets.masked(values) { text in
            let code = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)
            return "hmac-sha256:" + code.prefix(8).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Records that the caller read the secrets in the values of `ids` (with tokens: without them
    /// no one is named), in the request's own audit entry.
    func recordRead(of ids: [String], _ context: CloudRequestContext) async throws {
        guard tokens != nil, !ids.isEmpty else { return }
        try await context.audit.recording(targets: ids, status: .ok) { entry in try await audit.recordAudit(entry) }
    }
}
