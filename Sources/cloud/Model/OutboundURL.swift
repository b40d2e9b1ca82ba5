import FleetAPI
import Foundation
import ServerSupport

/// A URL a client gives for the server to send requests to (a webhook, an analysis's Prometheus),
/// checked before it is kept: http(s), a host, no user or password in it, and, when a `policy` is
/// given, a host it allows as written (the address a name resolves to is checked again on each
/// request, and the connection pinned to it).
enum OutboundURL {
    /// - Parameters:
    ///   - flag: the server flag that widens `policy`, named in a refusal.
    ///   - credentials: where a credential goes instead of the URL's user and password.
    static func validated(
        _ text: String,
        field: String,
        policy: AddressPolicy?,
        flag: String,
        credentials: String
    ) throws(APIError) -> String {
        guard text.unicodeScalars.count <= 2048, let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parts.host, !host.isEmpty
        else {
            throw .badRequest("\(field) must be an http:// or https:// URL", field: field)
        }
        guard parts.user == nil, parts.password == nil else {
            throw .badRequest("\(field) must not carry a user or password; \(credentials)", field: field)
        }
        if let policy {
            do {
                try policy.check(try URLTarget(parsing: text))
            } catch {
                throw .badRequest("\(field) is refused: \(error) (\(flag))", field: field)
            }
        }
        return text
    }
}
