import Foundation

/// An `--allowed-repository` entry: a chart repository URL, exact or with wildcards. `*` matches
/// any run of characters within one path segment, `**` any run across segments; neither matches
/// `/` (for `*`), `?`, `#` or `@`, so a wildcard cannot stretch a pattern onto another host. The
/// whole URL must match, after trailing slashes are dropped and the scheme and host lowercased.
struct RepositoryPattern: Sendable, Hashable, CustomStringConvertible {
    let pattern: String

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(_ text: String) throws(Invalid) {
        let normalized = Self.normalize(text)
        guard let separator = normalized.range(of: "://"),
            ["http", "https", "oci"].contains(normalized[..<separator.lowerBound]),
            normalized[separator.upperBound...].first.map({ $0 != "/" }) == true
        else {
            throw Invalid(description: "\"\(text)\" is not an http(s) or oci URL pattern (e.g. https://charts.example.com/*)")
        }
        pattern = normalized
    }

    var description: String { pattern }

    /// Whether the pattern's host has no wildcard: only such a pattern may let a repository on a
    /// refused address (loopback, link-local, metadata: `AddressPolicy`) through, by naming it.
    var namesItsHost: Bool {
        guard let separator = pattern.range(of: "://") else { return false }
        let rest = pattern[separator.upperBound...]
        let authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
        let host = authority.hasPrefix("[") ? authority.prefix { $0 != "]" } : authority.prefix { $0 != ":" }
        return !host.contains("*")
    }

    func matches(_ url: String) -> Bool {
        Self.glob(Array(pattern), matches: Array(Self.normalize(url)))
    }

    /// Without trailing slashes, scheme and host in lower case (they are case-insensitive).
    static func normalize(_ url: String) -> String {
        var text = Substring(url)
        while text.hasSuffix("/") { text = text.dropLast() }
        guard let separator = text.range(of: "://") else { return String(text) }
        let rest = text[separator.upperBound...]
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        return text[..<hostEnd].lowercased() + text[hostEnd...]
    }

    /// Whole-string glob match by dynamic programming: `matched[i][j]` says whether
    /// `pattern[i...]` matches `text[j...]`, so no input can make it backtrack exponentially.
    private static func glob(_ pattern: [Character], matches text: [Character]) -> Bool {
        let never: Set<Character> = ["?", "#", "@"]
        var matched = Array(repeating: Array(repeating: false, count: text.count + 1), count: pattern.count + 2)
        matched[pattern.count][text.count] = true
        var i = pattern.count - 1
        while i >= 0 {
            let double = pattern[i] == "*" && i + 1 < pattern.count && pattern[i + 1] == "*"
            let next = double ? i + 2 : i + 1
            for j in stride(from: text.count, through: 0, by: -1) {
                if pattern[i] == "*" {
                    // Match nothing here, or one more character and stay on this wildcard.
                    let extendable = j < text.count && !never.contains(text[j]) && (double || text[j] != "/")
                    matched[i][j] = matched[next][j] || (extendable && matched[i][j + 1])
                } else {
                    matched[i][j] = j < text.count && text[j] == pattern[i] && matched[i + 1][j + 1]
                }
            }
            i -= 1
        }
        return matched[0][0]
    }
}
