import FleetAPI
import ServerSupport

/// A rollout's `Analysis` as people write it (`rollout create --analysis FILE`, YAML or JSON, keys
/// in either spelling): durations as Go writes them (`30s`, `5m`) or seconds, and defaults for
/// what is left out. Checked field by field; a refusal names the field (`Analysis.Checks[0].Max`).
struct RolloutAnalysisRequest: Decodable, Sendable, Equatable {
    var prometheus: Source?
    var checks: [RolloutAnalysis.Check]?
    var interval: DurationText?
    var duration: DurationText?
    var failureLimit: Int?
    var inconclusiveLimit: Int?
    var onFailure: String?

    struct Source: Decodable, Sendable, Equatable {
        var url: String?
        var bearerToken: String?
    }

    static let intervalRange = 1...3600
    static let maxDurationSeconds = 86_400
    static let limitRange = 1...1000
    static let maxChecks = 20
    static let maxQueryLength = 4096

    /// The analysis, every field checked; `tokens` are the names the server has bearer tokens for
    /// (nil: not checked here, as a profile is read before any server makes its rollouts).
    func validated(tokens: Set<String>?) throws(APIError) -> RolloutAnalysis {
        let url = prometheus?.url ?? RolloutAnalysis.defaultURL
        _ = try ClusterTemplate(url, field: "Analysis.Prometheus.URL")
        guard url.unicodeScalars.count <= 2048 else {
            throw .badRequest("Analysis.Prometheus.URL is longer than 2048 characters", field: "Analysis.Prometheus.URL")
        }
        if let token = prometheus?.bearerToken, let tokens, !tokens.contains(token) {
            let known = tokens.isEmpty ? "the server has none (--metrics-token NAME=FILE)" : "known: \(tokens.sorted().joined(separator: ", "))"
            throw .badRequest("Analysis.Prometheus.BearerToken names no token of the server's; \(known)", field: "Analysis.Prometheus.BearerToken")
        }
        let checks = try validatedChecks()
        let interval = try interval?.seconds(field: "Analysis.Interval") ?? 30
        guard Self.intervalRange.contains(interval) else {
            throw .badRequest("Analysis.Interval must be between 1s and 1h", field: "Analysis.Interval")
        }
        let duration = try duration?.seconds(field: "Analysis.Duration") ?? max(interval, 300)
        guard (interval...Self.maxDurationSeconds).contains(duration) else {
            throw .badRequest("Analysis.Duration must be at least the interval and at most 24h", field: "Analysis.Duration")
        }
        let failureLimit = try Self.limit(failureLimit, default: 1, field: "Analysis.FailureLimit")
        let inconclusiveLimit = try Self.limit(inconclusiveLimit, default: 3, field: "Analysis.InconclusiveLimit")
        guard let onFailure = RolloutAnalysis.OnFailure(rawValue: onFailure ?? "halt") else {
            throw .badRequest("Analysis.OnFailure must be halt or undo", field: "Analysis.OnFailure")
        }
        return RolloutAnalysis(
            prometheus: RolloutAnalysis.Source(url: url, bearerToken: prometheus?.bearerToken),
            checks: checks,
            intervalSeconds: interval,
            durationSeconds: duration,
            failureLimit: failureLimit,
            inconclusiveLimit: inconclusiveLimit,
            onFailure: onFailure
        )
    }

    private func validatedChecks() throws(APIError) -> [RolloutAnalysis.Check] {
        guard let checks, !checks.isEmpty else { throw .badRequest("an analysis needs at least one check", field: "Analysis.Checks") }
        guard checks.count <= Self.maxChecks else {
            throw .badRequest("an analysis takes at most \(Self.maxChecks) checks", field: "Analysis.Checks")
        }
        var names: Set<String> = []
        for (index, check) in checks.enumerated() {
            let field = "Analysis.Checks[\(index)]"
            guard check.name.count <= 63, !check.name.isEmpty,
                check.name.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
            else {
                throw .badRequest("\(field).Name must be 1 to 63 letters, digits, - or _", field: "\(field).Name")
            }
            guard names.insert(check.name).inserted else { throw .badRequest("check \(check.name) is named twice", field: "\(field).Name") }
            guard !check.query.isEmpty, check.query.unicodeScalars.count <= Self.maxQueryLength else {
                throw .badRequest("\(field).Query must be 1 to \(Self.maxQueryLength) characters", field: "\(field).Query")
            }
            _ = try ClusterTemplate(check.query, field: "\(field).Query")
            try Self.bounds(of: check, field: field)
        }
        return checks
    }

    private static func bounds(of check: RolloutAnalysis.Check, field: String) throws(APIError) {
        let numbers: [(String, Double?)] = [
            ("Max", check.max), ("Min", check.min), ("CompareToBaseline.MaxIncrease", check.compareToBaseline?.maxIncrease),
            ("CompareToBaseline.MaxIncreaseRatio", check.compareToBaseline?.maxIncreaseRatio),
        ]
        for case (let name, let value?) in numbers where !value.isFinite {
            throw .badRequest("\(field).\(name) must be a finite number", field: "\(field).\(name)")
        }
        if let max = check.max, let min = check.min, min > max {
            throw .badRequest("\(field).Min is above its Max", field: "\(field).Min")
        }
        if let compare = check.compareToBaseline {
            guard (compare.maxIncrease == nil) != (compare.maxIncreaseRatio == nil) else {
                throw .badRequest("\(field).CompareToBaseline takes one of MaxIncrease or MaxIncreaseRatio", field: "\(field).CompareToBaseline")
            }
            if let value = compare.maxIncrease ?? compare.maxIncreaseRatio, value < 0 {
                throw .badRequest("\(field).CompareToBaseline allows no negative increase", field: "\(field).CompareToBaseline")
            }
        }
        guard check.max != nil || check.min != nil || check.compareToBaseline != nil else {
            throw .badRequest("\(field) needs a bound: Max, Min or CompareToBaseline", field: "\(field).Max")
        }
    }

    private static func limit(_ value: Int?, default fallback: Int, field: String) throws(APIError) -> Int {
        let value = value ?? fallback
        guard limitRange.contains(value) else { throw .badRequest("\(field) must be between 1 and 1000", field: field) }
        return value
    }
}

/// A duration as a Go duration string (`30s`, `5m`) or a number of seconds.
struct DurationText: Decodable, Sendable, Equatable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Int.self) {
            text = "\(seconds)s"
        } else {
            text = try container.decode(String.self)
        }
    }

    func seconds(field: String) throws(APIError) -> Int {
        guard let duration = try? GoDuration.parse(text), duration.components.attoseconds == 0 else {
            throw .badRequest("\(field): \"\(text)\" is not a duration in whole seconds (e.g. 30s, 5m)", field: field)
        }
        return Int(duration.components.seconds)
    }
}
