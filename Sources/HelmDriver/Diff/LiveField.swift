import Foundation

/// Whether a field as the API server keeps it still says what the manifest asked for. The API
/// server does not store a manifest as written: it drops nulls and the empty maps and lists of
/// optional fields (`omitempty` in the API types, so `annotations: null` or `{}` comes back
/// unset), and keeps resource quantities in canonical form (`0.5` CPU comes back `500m`,
/// `2048Mi` as `2Gi`: k8s.io/apimachinery/pkg/api/resource). Comparing as it stores avoids
/// reporting the chart's own spelling as drift; anything else still has to be equal.
enum LiveField {
    /// - Parameters:
    ///   - path: the field's path, `ManifestObjects.canonical`'s (`spec.template.spec.containers[0].resources.requests.cpu`).
    ///   - wanted: the manifest's value, JSON-encoded.
    ///   - live: the live object's value, JSON-encoded, or nil when it has none.
    static func matches(path: Substring, wanted: String, live: String?) -> Bool {
        guard let live else { return unsetEquivalents.contains(wanted) }
        if live == wanted { return true }
        if isQuantity(path), let wantedAmount = Quantity(json: wanted), let liveAmount = Quantity(json: live) {
            return wantedAmount == liveAmount
        }
        return false
    }

    private static let unsetEquivalents: Set<String> = ["null", "{}", "[]"]

    /// Resource requests, limits and capacities (containers, PVCs, quotas, limit ranges).
    static func isQuantity(_ path: Substring) -> Bool {
        let parts = path.split(separator: ".")
        guard parts.count >= 2 else { return false }
        return ["requests", "limits", "capacity", "hard", "default", "defaultRequest", "max", "min"].contains(parts[parts.count - 2])
    }
}

/// A Kubernetes resource quantity's value (`500m`, `0.5`, `2Gi`, `1e3`), for comparing two spellings.
struct Quantity: Equatable {
    let value: Decimal

    /// A JSON string or number, as a manifest or the API server gives one.
    init?(json: String) {
        var text = Substring(json)
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        self.init(text)
    }

    init?(_ text: Substring) {
        let suffixStart = text.firstIndex { !($0.isNumber || $0 == "." || $0 == "+" || $0 == "-") } ?? text.endIndex
        let number = text[..<suffixStart]
        let suffix = text[suffixStart...]
        guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, let base = Decimal(string: String(number)) else { return nil }
        guard let multiplier = Self.multiplier(suffix) else { return nil }
        value = base * multiplier
    }

    private static func multiplier(_ suffix: Substring) -> Decimal? {
        let binary: [Substring: Int] = ["Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60]
        let decimal: [Substring: Int] = ["n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18]
        if let power = binary[suffix] { return pow(Decimal(2), power) }
        if let exponent = decimal[suffix] { return Self.powerOfTen(exponent) }
        if let first = suffix.first, first == "e" || first == "E", let exponent = Int(suffix.dropFirst()), abs(exponent) <= 18 {
            return Self.powerOfTen(exponent)
        }
        return nil
    }

    private static func powerOfTen(_ exponent: Int) -> Decimal {
        exponent >= 0 ? pow(Decimal(10), exponent) : 1 / pow(Decimal(10), -exponent)
    }
}
