/// A range of versions as Helm charts and Sveltos write them (Masterminds/semver's constraints):
/// comparisons (`>=1.30`, `<1.29.4`, `!=1.28.0`), joined by spaces or commas (all must hold), and
/// alternatives joined by `||`. A partial version in `=`, a bare version, or `1.29.x` is the whole
/// line (`1.29` is 1.29.0 up to 1.30.0); `~1.29.2` allows later patches, `^1.29` later minors;
/// `>1.29` is past the whole of 1.29, `>=1.30` from 1.30.0, `!=1.29` anything outside 1.29 (as
/// `constraintGreaterThan` and `constraintNotEqual` read a partial version in Masterminds/semver v3).
struct VersionRange: Sendable, Equatable, CustomStringConvertible {
    let text: String
    private let alternatives: [[Bound]]

    private enum Bound: Equatable {
        case atLeast(SemanticVersion)
        case below(SemanticVersion)
        /// Before the first version or from the second on.
        case outside(SemanticVersion, SemanticVersion)
    }

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(_ text: String) throws(Invalid) {
        self.text = text
        var alternatives: [[Bound]] = []
        for alternative in text.split(separator: "||", omittingEmptySubsequences: false) {
            let terms = alternative.split(whereSeparator: { $0 == " " || $0 == "," })
            guard !terms.isEmpty else { throw Invalid(description: "\"\(text)\" has an empty alternative") }
            var bounds: [Bound] = []
            for term in terms { bounds += try Self.bounds(String(term), in: text) }
            alternatives.append(bounds)
        }
        self.alternatives = alternatives
    }

    var description: String { text }

    func contains(_ version: SemanticVersion) -> Bool {
        alternatives.contains { bounds in
            bounds.allSatisfy { bound in
                switch bound {
                case .atLeast(let low): version >= low
                case .below(let high): version < high
                case .outside(let low, let high): version < low || version >= high
                }
            }
        }
    }

    private static func bounds(_ term: String, in text: String) throws(Invalid) -> [Bound] {
        let operators = [">=", "<=", "!=", ">", "<", "=", "~", "^"]
        let op = operators.first { term.hasPrefix($0) } ?? ""
        var body = String(term.dropFirst(op.count))
        // `1.29.x` is `1.29`: both name the whole line.
        for suffix in [".x", ".X", ".*"] where body.hasSuffix(suffix) { body = String(body.dropLast(suffix.count)) }
        let pieces = body.trimmingPrefix("v").split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(pieces.count), pieces.allSatisfy({ !$0.isEmpty && $0.count <= 9 && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else {
            throw Invalid(description: "\"\(term)\" in \"\(text)\" is not a version constraint (e.g. >=1.30, <1.29.4, 1.29.x)")
        }
        let parts = pieces.compactMap { Int($0) }
        let low = SemanticVersion(parts[0], parts.count > 1 ? parts[1] : 0, parts.count > 2 ? parts[2] : 0)
        // The first version past the line the written parts name: 1.29 -> 1.30.0, 1 -> 2.0.0.
        let pastLine: SemanticVersion =
            switch parts.count {
            case 1: SemanticVersion(low.major + 1)
            case 2: SemanticVersion(low.major, low.minor + 1)
            default: SemanticVersion(low.major, low.minor, low.patch + 1)
            }
        switch op {
        case ">=": return [.atLeast(low)]
        case "<": return [.below(low)]
        case ">": return [.atLeast(pastLine)]
        case "<=": return [.below(pastLine)]
        case "!=": return [.outside(low, pastLine)]
        case "~":
            let end = parts.count == 1 ? SemanticVersion(low.major + 1) : SemanticVersion(low.major, low.minor + 1)
            return [.atLeast(low), .below(end)]
        case "^":
            let end = low.major > 0 ? SemanticVersion(low.major + 1) : SemanticVersion(0, low.minor + 1)
            return [.atLeast(low), .below(end)]
        default:
            // `=1.29.3` or `1.29.3` is that version; `1.29`, `1.29.x` the whole line.
            return [.atLeast(low), .below(pastLine)]
        }
    }
}
