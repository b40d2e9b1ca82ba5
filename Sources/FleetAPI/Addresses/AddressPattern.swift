import Foundation

/// An entry of `--allowed-api-server` or `--allowed-webhook-target`: a CIDR range or one address
/// (`10.0.0.0/8`, `127.0.0.1`, `fd00::/8`), or a host name, exact or `*.` and a suffix
/// (`*.eks.amazonaws.com` matches names under it, not the suffix itself).
public enum AddressPattern: Sendable, Hashable, CustomStringConvertible {
    case range(AddressRange)
    case name(String)
    case nameSuffix(String)

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(parsing text: String) throws(Invalid) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let range = AddressRange(parsing: trimmed) {
            self = .range(range)
            return
        }
        let isName: (Substring) -> Bool = { name in
            !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }
                && !name.hasPrefix(".") && IPAddress(parsing: name) == nil
        }
        if trimmed.hasPrefix("*."), isName(trimmed.dropFirst(2)) {
            self = .nameSuffix(String(trimmed.dropFirst(1)))
        } else if isName(Substring(trimmed)) {
            self = .name(trimmed)
        } else {
            throw Invalid(description: "\"\(text)\" is neither a CIDR range, an address nor a host name (e.g. 10.0.0.0/8, *.eks.amazonaws.com)")
        }
    }

    public var description: String {
        switch self {
        case .range(let range): range.description
        case .name(let name): name
        case .nameSuffix(let suffix): "*\(suffix)"
        }
    }

    func matches(name: String) -> Bool {
        switch self {
        case .range: false
        case .name(let pattern): pattern == name
        case .nameSuffix(let suffix): name.hasSuffix(suffix) && name.count > suffix.count
        }
    }

    var range: AddressRange? {
        if case .range(let range) = self { return range }
        return nil
    }
}
