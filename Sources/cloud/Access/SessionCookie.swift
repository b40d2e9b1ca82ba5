import Crypto
import FleetAPI
import Foundation
import ServerSupport

/// The dashboard's session: after `/login` checks a token, a signed cookie stands for it, naming
/// its holder (never the token), when it expires, and the CSRF token the page must send back on
/// every change (`X-CSRF-Token`), so another site cannot act through the cookie even where the
/// browser ignores SameSite.
struct SessionCookie: Sendable {
    static let name = "cloud_session"
    static let lifetime: Duration = .seconds(12 * 3600)

    struct Session: Codable, Sendable, Equatable {
        var name: String
        var role: AccessRole
        var expires: Int64
        var csrf: String

        enum CodingKeys: String, CodingKey {
            case name = "n"
            case role = "r"
            case expires = "e"
            case csrf = "c"
        }

        /// What the store knows the session by: a digest of its CSRF token, which is random per
        /// session and never stored itself.
        var id: String { SHA256.hash(data: Data(csrf.utf8)).map { String(format: "%02x", $0) }.joined() }
        var issuedAt: Int64 { expires - SessionCookie.lifetime.milliseconds }
    }

    /// Read at each check: a token taken out of the file ends its holder's sessions.
    let tokens: LiveTokens
    /// Adds `Secure`, so the browser sends it over HTTPS only.
    let secure: Bool

    /// A new session for `holder` from `now`: the cookie's value and the session it carries.
    func issue(for holder: TokenHolder, now: Date) throws -> (value: String, session: Session) {
        let session = Session(
            name: holder.name,
            role: holder.role,
            expires: now.millisecondsSince1970 + Self.lifetime.milliseconds,
            csrf: Self.randomToken()
        )
        let payload = try JSONEncoder().encode(session).base64URLEncodedString()
        return ("\(payload).\(signature(payload))", session)
    }

    /// The `Set-Cookie` value for a session's cookie, or one that clears it (`value` nil).
    func header(_ value: String?) -> String {
        let attributes = "Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
        guard let value else { return "\(Self.name)=; Max-Age=0; \(attributes)" }
        return "\(Self.name)=\(value); Max-Age=\(Int(Self.lifetime.milliseconds / 1000)); \(attributes)"
    }

    /// The session a `Cookie` header carries: signed by this key, not expired at `now`, and its
    /// holder still in the token file with the same role. Anything else is no session.
    func session(fromCookieHeader header: String?, now: Date) -> Session? {
        guard let header else { return nil }
        let cookies = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let value = cookies.first(where: { $0.hasPrefix("\(Self.name)=") })?.dropFirst(Self.name.count + 1) else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count < 1024,
            ConstantTime.equal(Array(signature(String(parts[0])).utf8), Array(parts[1].utf8)),
            let data = Data(base64URLEncoded: parts[0]),
            let session = try? JSONDecoder().decode(Session.self, from: data),
            session.expires > now.millisecondsSince1970,
            tokens.current.holder(named: session.name, role: session.role) != nil
        else { return nil }
        return session
    }

    private func signature(_ payload: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: tokens.current.sessionKey)).base64URLEncodedString()
    }

    static func randomToken() -> String {
        Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64URLEncodedString()
    }
}
