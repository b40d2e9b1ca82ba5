import ServerSupport

/// Who holds an API token: its role and name, without the token itself.
struct TokenHolder: Sendable, Equatable {
    var role: AccessRole
    var name: String
}

/// The cloud server's API tokens: each stands for a role and a name.
typealias APITokens = BearerTokens<TokenHolder>

extension BearerTokens where Holder == TokenHolder {
    /// The holders of a token file's lines: a bare token is an admin.
    init(_ entries: [TokenFile.Entry]) {
        self.init(entries.map { ($0.token, TokenHolder(role: $0.role, name: $0.name)) })
    }

    /// The holder with this name and role, if a token still names them.
    func holder(named name: String, role: AccessRole) -> TokenHolder? {
        first { $0.name == name && $0.role == role }
    }
}

extension TokenFile {
    /// One accepted token of the cloud server's API and who it stands for.
    struct Entry: Sendable, Equatable {
        var token: String
        var role: AccessRole
        var name: String
    }

    /// The API's token file, each line's role one of `AccessRole`'s.
    static func entries(_ path: String) throws(Invalid) -> [Entry] {
        try entries(of: try lines(path), path: path)
    }

    /// The same of a file's text, read already.
    static func entries(parsing text: String, path: String) throws(Invalid) -> [Entry] {
        try entries(of: try lines(parsing: text, path: path), path: path)
    }

    private static func entries(of lines: [Line], path: String) throws(Invalid) -> [Entry] {
        try lines.map { line throws(Invalid) in
            guard let name = line.role else { return Entry(token: line.token, role: .admin, name: line.name) }
            guard let role = AccessRole(rawValue: name) else {
                throw Invalid(path: path, line: line.number, "unknown role; use viewer, operator or admin")
            }
            return Entry(token: line.token, role: role, name: line.name)
        }
    }
}
