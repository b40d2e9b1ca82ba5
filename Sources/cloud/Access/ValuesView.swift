import Crypto
import FleetAPI
import Foundation
import ServerSupport

/// What a caller reads of deployments' values. A viewer gets every string at or below a secret's
/// key (`SecretValues`) as a keyed digest: equal values still compare equal, and unlike a plain
/// hash a short password cannot be guessed from it offline. Operators and admins get the values
/// whole, and their reads of secrets are audited. Without tokens there are no roles: everything is
/// shown, as everything else is.
struct ValuesView: Sendable {
    /// The digests' key (bytes: `SymmetricKey` is not `Sendable`); nil: the server runs without tokens.
    let key: Data?
    var secrets = SecretValues()

    init(tokens: APITokens?) {
        // Its own key, derived from the one the sessions are signed with: a digest says nothing of it.
        key = tokens.map { tokens in
            Data(HMAC<SHA256>.authenticationCode(for: Data("values view v1".utf8), using: tokens.sessionKey))
        }
    }

    /// Whether `role` reads values whole.
    func showsSecrets(to role: AccessRole) -> Bool { key == nil || role >= .operator }

    /// The values as `role` may read them.
    func values(_ values: JSONValue?, for role: AccessRole) -> JSONValue? {
        guard let values, let key, !showsSecrets(to: role) else { return values }
        let symmetric = SymmetricKey(data: key)
        return secrets.masked(values) { text in
            let code = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: symmetric)
            return "hmac-sha256:" + code.prefix(8).map { String(format: "%02x", $0) }.joined()
        }
    }
}

extension Rollout {
    /// The rollout with every values document it holds (its target's, each cluster's target and
    /// previous state) passed through `transform`.
    func mappingValues(_ transform: (JSONValue?) -> JSONValue?) -> Rollout {
        var rollout = self
        rollout.target.values = transform(target.values)
        for index in rollout.clusters.indices {
            rollout.clusters[index].target?.values = transform(clusters[index].target?.values)
            rollout.clusters[index].previous?.values = transform(clusters[index].previous?.values)
        }
        return rollout
    }

    /// Every values document it holds.
    var allValues: [JSONValue?] {
        [target.values] + clusters.flatMap { [$0.target?.values, $0.previous?.values] }
    }
}
