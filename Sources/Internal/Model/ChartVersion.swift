/// Helm chart versions are SemVer 2; a leading "v" is tolerated as Helm does.
public enum ChartVersion {
    /// `v?MAJOR(.MINOR(.PATCH)?)?(-PRERELEASE)?(+BUILD)?`, numbers without leading zeros; checked
    /// byte by byte because it runs for every deployment.
    public static func isValid(_ version: String) -> Bool {
        var rest = Substring(version).utf8[...]
        if rest.first == UInt8(ascii: "v") { rest = rest.dropFirst() }
        for index in 0..<3 {
            if index > 0 {
                guard rest.first == UInt8(ascii: ".") else { break }
                rest = rest.dropFirst()
            }
            let digits = rest.prefix { $0.isASCIIDigit }
            guard !digits.isEmpty, digits.count == 1 || digits.first != UInt8(ascii: "0") else { return false }
            rest = rest.dropFirst(digits.count)
        }
        for marker in [UInt8(ascii: "-"), UInt8(ascii: "+")] where rest.first == marker {
            let label = rest.dropFirst().prefix { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
            guard !label.isEmpty else { return false }
            rest = rest.dropFirst(1 + label.count)
        }
        return rest.isEmpty
    }
}
