import Foundation

/// Token files: one token per line, `TOKEN` or `TOKEN ROLE NAME`; blank lines and `#` comments are
/// ignored. A bare `TOKEN` is an admin named `token-LINE`, so files written before roles existed
/// keep their meaning. Errors name the file and line, never the token.
public enum TokenFile {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// One accepted token and who it stands for.
    public struct Entry: Sendable, Equatable {
        public var token: String
        public var role: AccessRole
        /// What the audit log and error messages call the token's holder; never the token.
        public var name: String

        public init(token: String, role: AccessRole, name: String) {
            self.token = token
            self.role = role
            self.name = name
        }
    }

    public static let minimumLength = 16

    /// The tokens of a file whose tokens all have full access (the provisioner's, and the one the
    /// cloud server sends to provisioners): roles other than admin are refused rather than ignored.
    public static func read(_ path: String) throws(Invalid) -> [String] {
        let entries = try entries(path)
        if let line = entries.firstIndex(where: { $0.role != .admin }) {
            throw Invalid(
                description:
                    "token file \(path): \(entries[line].name) has role \(entries[line].role.rawValue), but every token here has full access; give bare tokens"
            )
        }
        return entries.map(\.token)
    }

    public static func entries(_ path: String) throws(Invalid) -> [Entry] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Invalid(description: "cannot read token file \(path)")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws(Invalid) -> [Entry] {
        var entries: [Entry] = []
        var lineOfName: [String: Int] = [:]
        var lineOfToken: [String: Int] = [:]
        // Split on "\n" only, so line numbers match what an editor shows.
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            func invalid(_ why: String) -> Invalid { Invalid(description: "token file \(path) line \(line): \(why)") }
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: \.isWhitespace).map(String.init)
            let entry: Entry
            switch fields.count {
            case 1:
                entry = Entry(token: fields[0], role: .admin, name: "token-\(line)")
            case 3:
                guard let role = AccessRole(rawValue: fields[1]) else {
                    throw invalid("unknown role; use viewer, operator or admin")
                }
                guard fields[2].wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._@-]{0,62}/) != nil else {
                    throw invalid("a name is 1 to 63 letters, digits, '.', '_', '@' or '-'")
                }
                entry = Entry(token: fields[0], role: role, name: fields[2])
            default:
                throw invalid("expected TOKEN or TOKEN ROLE NAME, found \(fields.count) fields")
            }
            guard entry.token.count >= minimumLength else { throw invalid("the token is shorter than \(minimumLength) characters") }
            if let first = lineOfToken[entry.token] { throw invalid("the same token as line \(first)") }
            // Names identify holders in the audit log, so each must be one holder's.
            if let first = lineOfName[entry.name] { throw invalid("the name \(entry.name) is also used on line \(first)") }
            lineOfToken[entry.token] = line
            lineOfName[entry.name] = line
            entries.append(entry)
        }
        guard !entries.isEmpty else { throw Invalid(description: "token file \(path) holds no token") }
        return entries
    }
}
