import Foundation

/// Where a URL sends a request: its scheme, host and port, read as strictly as Go's net/url and
/// libcurl would agree on. A host that is not a plain name or an address literal (percent
/// escapes, backslashes, other odd characters) is refused rather than guessed at, since parsers
/// disagree on those and the one that connects is not the one that checked.
public struct URLTarget: Sendable, Hashable {
    public var scheme: String
    /// Lower case, IPv6 without brackets.
    public var host: String
    public var port: Int
    /// The address, when `host` is written as one (in any spelling).
    public var address: IPAddress?
    /// What follows the authority: the path, query and fragment as written (`/k8s/clusters/c1`).
    public var rest: String

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    public init(parsing url: String) throws(Invalid) {
        guard let separator = url.range(of: "://") else { throw Invalid(description: "has no scheme://") }
        scheme = url[..<separator.lowerBound].lowercased()
        let rest = url[separator.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        self.rest = String(rest[authorityEnd...])
        var authority = rest[..<authorityEnd]
        // WHATWG parsers (and libcurl) end the authority at a backslash too; Go's does not.
        guard !authority.contains(where: { $0 == "\\" || $0.isWhitespace || !$0.isASCII || $0.asciiValue.map { $0 < 0x20 } == true }) else {
            throw Invalid(description: "has characters parsers read differently in its authority")
        }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var hostPart = authority
        var portText: Substring? = nil
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw Invalid(description: "has an unclosed [ in its host") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw Invalid(description: "has text after its [host]") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { throw Invalid(description: "has no host") }
        let isBracketed = authority.hasPrefix("[")
        let allowed: (Character) -> Bool = { character in
            character.isASCII && (character.isLetter || character.isNumber || "-._".contains(character) || (isBracketed && character == ":"))
        }
        guard hostPart.allSatisfy(allowed) else {
            throw Invalid(description: "has a host that is not a plain name or address (\"\(hostPart)\")")
        }
        host = hostPart.lowercased()
        if isBracketed {
            guard let address = IPAddress(parsing: hostPart), case .v6 = address else {
                throw Invalid(description: "has [\(hostPart)], which is not an IPv6 address")
            }
            self.address = address
        } else {
            address = IPAddress(parsing: hostPart)
        }
        if let portText, !portText.isEmpty {
            guard portText.count <= 5, let port = Int(portText), (1...65535).contains(port) else {
                throw Invalid(description: "has port \"\(portText)\", which is not 1 to 65535")
            }
            self.port = port
        } else {
            port = scheme == "https" ? 443 : 80
        }
    }

    /// `localhost` and names under it, which resolvers answer with loopback without asking DNS
    /// (RFC 6761 section 6.3).
    public var isLocalhostName: Bool {
        address == nil && (host == "localhost" || host.hasSuffix(".localhost") || host == "localhost.")
    }
}
