import Foundation

/// Token files: one token per line, `TOKEN` or `TOKEN ROLE NAME`; blank lines and `#` comments are
/// ignored. What a role means is the reading server's business; a bare `TOKEN` stands for the
/// strongest one and is named `token-LINE`, so files written before roles existed keep their
/// meaning. Errors name the file and line, never the token.
public enum TokenFile {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String

        /// An error about one line of a file.
        public init(path: String, line: Int, _ why: String) {
            description = "token file \(path) line \(line): \(why)"
        }

        init(description: String) { self.description = description }
    }

    /// One accepted line: its token, the role it names (nil: a bare token), its holder's name.
    public struct Line: Sendable, Equatable {
        public var token: String
        public var role: String?
        /// What the audit log and error messages call the token's holder; never the token.
        public var name: String
        public var number: Int
    }

    public static let minimumLength = 16
    /// The role a full-access line may name: the one a bare token stands for.
    public static let fullAccessRole = "admin"

    /// The tokens of a file whose tokens all have full access (the provisioner's, and the one the
    /// cloud server sends to provisioners): roles other than admin are refused rather than ignored.
    public static func read(_ path: String) throws(Invalid) -> [String] {
        let lines = try lines(path)
        if let line = lines.first(where: { $0.role.map { $0 != fullAccessRole } ?? false }) {
            throw Invalid(
                description:
                    "token file \(path): \(line.name) has role \(line.role ?? ""), but every token here has full access; give bare tokens"
            )
        }
        return lines.map(\.token)
    }

    public static func lines(_ path: String) throws(Invalid) -> [Line] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Invalid(description: "cannot read token file \(path)")
        }
        return try lines(parsing: text, path: path)
    }

    /// The lines of a file's text, read already; `path` is for the errors.
    public static func lines(parsing text: String, path: String) throws(Invalid) -> [Line] {
        var lines: [Line] = []
        var lineOfName: [String: Int] = [:]
        var lineOfToken: [String: Int] = [:]
        // Split on "\n" only, so line numbers match what an editor shows.
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: \.isWhitespace).map(String.init)
            let line: Line
            switch fields.count {
            case 1:
                line = Line(token: fields[0], role: nil, name: "token-\(number)", number: number)
            case 3:
                guard fields[2].wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._@-]{0,62}/) != nil else {
                    throw Invalid(path: path, line: number, "a name is 1 to 63 letters, digits, '.', '_', '@' or '-'")
                }
                line = Line(token: fields[0], role: fields[1], name: fields[2], number: number)
            default:
                throw Invalid(path: path, line: number, "expected TOKEN or TOKEN ROLE NAME, found \(fields.count) fields")
            }
            guard line.token.count >= minimumLength else {
                throw Invalid(path: path, line: number, "the token is shorter than \(minimumLength) characters")
            }
            if let first = lineOfToken[line.token] { throw Invalid(path: path, line: number, "the same token as line \(first)") }
            // Names identify holders in the audit log, so each must be one holder's.
            if let first = lineOfName[line.name] {
                throw Invalid(path: path, line: number, "the name \(line.name) is also used on line \(first)")
            }
            lineOfToken[line.token] = number
            lineOfName[line.name] = number
            lines.append(line)
        }
        guard !lines.isEmpty else { throw Invalid(description: "token file \(path) holds no token") }
        return lines
    }
}
