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

    /// The version in Helm's `NAME-VERSION` chart string (`ingress-nginx-4.15.1` → `4.15.1`):
    /// the first part after a '-' that is a whole version, as names hold '-' too.
    public static func version(inChart chart: String) -> String? {
        var rest = Substring(chart)
        while let dash = rest.firstIndex(of: "-") {
            let candidate = rest[rest.index(after: dash)...]
            if isValid(String(candidate)) { return String(candidate) }
            rest = candidate
        }
        return nil
    }
}
