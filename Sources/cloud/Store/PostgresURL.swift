import Foundation

/// What may be said about a `postgres://` URL in an error: where it points, never the password.
/// libpq's own messages can quote parts of the URL (a bad percent-escape quotes the whole
/// password), so every message from libpq goes through `clean` before it leaves the store.
struct PostgresURL: Sendable {
    static let schemes = ["postgres://", "postgresql://"]

    /// `host:port/database`, for messages.
    let target: String
    /// Why the URL cannot be used, said without quoting it; nil when libpq may have it.
    let problem: String?
    private let url: String
    private let secrets: [String]

    init(_ url: String) {
        self.url = url
        guard let scheme = Self.schemes.first(where: { url.hasPrefix($0) }) else {
            target = ""
            problem = "expected postgres://USER:PASSWORD@HOST:PORT/DATABASE"
            secrets = []
            return
        }
        let rest = url.dropFirst(scheme.count)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let at = authority.lastIndex(of: "@")
        let userinfo = at.map { authority[..<$0] } ?? ""
        let host = at.map { authority[authority.index(after: $0)...] } ?? authority
        let path = rest[authorityEnd...].prefix { $0 != "?" }

        var secrets: [String] = []
        if let colon = userinfo.firstIndex(of: ":") { secrets.append(String(userinfo[userinfo.index(after: colon)...])) }
        if let query = rest.firstIndex(of: "?").map({ rest[rest.index(after: $0)...] }) {
            for pair in query.split(separator: "&") where pair.hasPrefix("password=") {
                secrets.append(String(pair.dropFirst("password=".count)))
            }
        }
        secrets += secrets.compactMap { $0.removingPercentEncoding }
        // Longest first, so a password that contains another secret is removed whole.
        self.secrets = Set(secrets.filter { !$0.isEmpty }).sorted { $0.count > $1.count }
        target = (host.isEmpty ? "the default host" : String(host)) + path
        // libpq ends the user name at the first "@", and would take the rest of the password for the host.
        problem =
            authority.filter { $0 == "@" }.count > 1
            ? "the user name or password in the postgres:// URL contains an unencoded \"@\"; write it as %40" : nil
    }

    /// `message` on one line, without the URL or any password in it.
    func clean(_ message: String) -> String {
        var text = message.replacingOccurrences(of: url, with: "postgres://\(target)")
        for secret in secrets { text = text.replacingOccurrences(of: secret, with: "***") }
        // libpq's messages span lines (a hint follows, tab-indented); ours are one line.
        return text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: "; ")
    }
}
