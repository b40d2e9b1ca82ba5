import Foundation

/// A part of a rollout's clusters, as users write it: `N` clusters or `P%` of them. Batch sizes
/// (at least one cluster) and failure budgets (zero allowed) are both shares.
enum RolloutShare: Sendable, Hashable, Codable, CustomStringConvertible {
    case clusters(Int)
    case percent(Int)

    struct Invalid: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// Parses `N` or `P%`; `allowZero` for budgets (`--max-failures 0`), not for batch sizes.
    init(parsing text: String, allowZero: Bool) throws(Invalid) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let least = allowZero ? 0 : 1
        if trimmed.hasSuffix("%") {
            guard let value = Int(trimmed.dropLast()), (least...100).contains(value) else {
                throw Invalid(description: "\"\(text)\" is not a percentage from \(least)% to 100%")
            }
            self = .percent(value)
        } else {
            guard let value = Int(trimmed), value >= least else {
                throw Invalid(description: "\"\(text)\" is not a number of clusters (\(least) or more) or a percentage like 25%")
            }
            self = .clusters(value)
        }
    }

    /// How many of `total` clusters this is: a percentage rounds up for a batch (never an empty
    /// one) and down for a budget (never more failures than asked for).
    func count(of total: Int, roundingUp: Bool) -> Int {
        switch self {
        case .clusters(let count):
            return min(count, total)
        case .percent(let percent):
            let exact = total * percent
            return roundingUp ? (exact + 99) / 100 : exact / 100
        }
    }

    var description: String {
        switch self {
        case .clusters(let count): "\(count)"
        case .percent(let percent): "\(percent)%"
        }
    }

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try RolloutShare(parsing: text, allowZero: true)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
