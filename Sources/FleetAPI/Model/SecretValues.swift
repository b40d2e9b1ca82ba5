/// Which strings in a deployment's values are secrets: every string at or below a key that names
/// one (`adminPassword`, `auth.token`, `aws_secret_access_key`, `credentials`), at least
/// `minimumLength` long. Shorter strings are left alone: searched for in logs and errors they would
/// blank ordinary words out of paths and messages.
public struct SecretValues: Sendable {
    /// Words of a key (split at case changes and separators) that make it a secret's key.
    public var words: Set<String>

    public static let minimumLength = 8
    public static let defaultWords: Set<String> = [
        "password", "passwd", "passphrase", "token", "secret", "key", "credential", "credentials", "auth", "dsn",
    ]

    public init(words: Set<String> = Self.defaultWords) {
        self.words = words
    }

    /// Whether `key` names a secret: one of its words is one of `words`.
    public func isSecret(key: String) -> Bool {
        Self.words(of: key).contains { words.contains($0) }
    }

    /// The secret strings in `values`, each once.
    public func secrets(in values: JSONValue?) -> [String] {
        var found: Set<String> = []
        visit(values, underSecretKey: false) { text in
            if text.count >= Self.minimumLength { found.insert(text) }
            return true
        }
        return found.sorted()
    }

    /// `values` with every string at or below a secret's key, whatever its length, replaced by `mask` of it.
    public func masked(_ values: JSONValue, by mask: (String) -> String) -> JSONValue {
        rewrite(values, underSecretKey: false, mask)
    }

    /// Whether any string sits at or below a secret's key: what reading these values reads.
    public func holdsSecrets(_ values: JSONValue?) -> Bool {
        !visit(values, underSecretKey: false) { _ in false }
    }

    private func rewrite(_ value: JSONValue, underSecretKey: Bool, _ mask: (String) -> String) -> JSONValue {
        switch value {
        case .string(let text) where underSecretKey: .string(mask(text))
        case .array(let items): .array(items.map { rewrite($0, underSecretKey: underSecretKey, mask) })
        case .object(let object):
            .object(object.reduce(into: [:]) { $0[$1.key] = rewrite($1.value, underSecretKey: underSecretKey || isSecret(key: $1.key), mask) })
        default: value
        }
    }

    /// Calls `body` with each string at or below a secret's key, without copying the values, until
    /// it returns false; whether it went through them all.
    @discardableResult
    private func visit(_ value: JSONValue?, underSecretKey: Bool, _ body: (String) -> Bool) -> Bool {
        switch value {
        case .string(let text) where underSecretKey: body(text)
        case .array(let items): items.allSatisfy { visit($0, underSecretKey: underSecretKey, body) }
        case .object(let object): object.allSatisfy { visit($0.value, underSecretKey: underSecretKey || isSecret(key: $0.key), body) }
        default: true
        }
    }

    /// `adminPassword` → admin, password; `aws_secret_access_key` → aws, secret, access, key;
    /// `APIKey` → api, key.
    static func words(of key: String) -> [String] {
        var words: [String] = []
        var current = ""
        let characters = Array(key)
        for (index, character) in characters.enumerated() {
            guard character.isLetter || character.isNumber else {
                if !current.isEmpty { words.append(current) }
                current = ""
                continue
            }
            let previous = index > 0 ? characters[index - 1] : nil
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            // A capital starts a word after a lower-case letter, or ends a run of capitals before one.
            let startsWord =
                character.isUppercase
                && (previous?.isLowercase == true || (previous?.isUppercase == true && next?.isLowercase == true))
            if startsWord, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(Character(character.lowercased()))
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
