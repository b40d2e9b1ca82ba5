public import ArgumentParser
public import FleetAPI

extension SecretValues {
    /// The default words and those a `--secret-key-word` flag adds, each one word of letters and
    /// digits (a key is split into words at case changes and separators before it is compared).
    public static func adding(flagValues: [String]) throws(ValidationError) -> SecretValues {
        var words = defaultWords
        for value in flagValues {
            let word = value.lowercased()
            guard !word.isEmpty, word.count <= 64, word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw ValidationError("--secret-key-word: \"\(value)\" is not one word of letters and digits")
            }
            words.insert(word)
        }
        return SecretValues(words: words)
    }

    /// The help both servers give for `--secret-key-word`.
    public static func flagHelp(variable: String) -> ArgumentHelp {
        ArgumentHelp(
            "A word that makes a values key a secret's, beside \(defaultWords.sorted().joined(separator: ", ")); repeatable. (\(variable), comma-separated)",
            discussion:
                "A key's words are split at case changes and separators: with \"pin\", `adminPin` and `unlock_pin` hold secrets. Their strings are scrubbed from what helm prints and shown to viewers as digests."
        )
    }
}
