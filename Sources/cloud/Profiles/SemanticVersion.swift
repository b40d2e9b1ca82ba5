/// A version as MAJOR.MINOR.PATCH, read leniently from what clusters report: a leading `v` and
/// anything after the numbers (`v1.29.3-eks-a1b2c3`, `1.30.1+k3s1`) are dropped, and missing
/// parts are 0. Pre-release tags are not ordered: a vendor's suffix is not one.
struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    var major: Int
    var minor: Int
    var patch: Int

    init(_ major: Int, _ minor: Int = 0, _ patch: Int = 0) {
        (self.major, self.minor, self.patch) = (major, minor, patch)
    }

    /// nil unless `text` starts with a number (after an optional `v`).
    init?(lenient text: String) {
        guard let parts = Self.numbers(text), !parts.isEmpty else { return nil }
        self.init(parts[0], parts.count > 1 ? parts[1] : 0, parts.count > 2 ? parts[2] : 0)
    }

    /// The leading dot-separated numbers of `text` (at most three), or nil when it has none.
    static func numbers(_ text: String) -> [Int]? {
        var rest = Substring(text.trimmingPrefix("v"))
        var parts: [Int] = []
        while parts.count < 3 {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 9, let number = Int(digits) else { break }
            parts.append(number)
            rest = rest.dropFirst(digits.count)
            guard rest.first == "." else { break }
            rest = rest.dropFirst()
        }
        return parts.isEmpty ? nil : parts
    }

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    var description: String { "\(major).\(minor).\(patch)" }
}
