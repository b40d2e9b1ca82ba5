import FleetAPI
import Foundation
import ServerSupport
import Yams

/// The parts of a profile document below the top level (`Profile+document.swift`).
extension Profile {
    static let strategyFields = [
        "canary", "batchSize", "maxFailures", "soakSeconds", "timeoutSeconds", "approval", "test", "retries", "retryBackoffSeconds",
        "analysis",
    ]

    static func selector(_ top: ProfileReader) throws(Invalid) -> LabelSelector {
        let reader = try ProfileReader(top.value("selector"), path: "selector", allowed: ["matchLabels", "matchExpressions"])
        var selector = LabelSelector(matchLabels: try reader.stringMap("matchLabels"))
        for (index, node) in try reader.items("matchExpressions").enumerated() {
            let item = try ProfileReader(node, path: "selector.matchExpressions[\(index)]", allowed: ["key", "operator", "values"])
            guard let key = try item.string("key"), !key.isEmpty, !key.contains("=") else { throw item.invalid("key", "must be a label key") }
            guard let text = try item.string("operator"), let op = LabelSelector.Operator(rawValue: text) else {
                throw item.invalid("operator", "must be one of \(LabelSelector.Operator.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let values = try item.strings("values")
            // As apimachinery's validation: In and NotIn need values, Exists and DoesNotExist take none.
            switch op {
            case .in where values.isEmpty, .notIn where values.isEmpty:
                throw item.invalid("values", "must list at least one value for \(op.rawValue)")
            case .exists where !values.isEmpty, .doesNotExist where !values.isEmpty: throw item.invalid("values", "must be empty for \(op.rawValue)")
            default: break
            }
            selector.matchExpressions.append(.init(key: key, operator: op, values: values))
        }
        return selector
    }

    static func service(_ reader: ProfileReader) throws(Invalid) -> Service {
        let chartVersion = try reader.string("chartVersion")
        if let chartVersion, !ChartVersion.isValid(chartVersion) { throw reader.invalid("chartVersion", "is not a chart version (e.g. 1.2.3)") }
        var choices: [KubernetesVersionChoice] = []
        for (index, node) in try reader.items("versionsByKubernetes").enumerated() {
            let item = try ProfileReader(node, path: reader.field("versionsByKubernetes[\(index)]"), allowed: ["kubernetes", "chartVersion"])
            guard let text = try item.string("kubernetes") else { throw item.invalid("kubernetes", "is missing (e.g. \">=1.30\")") }
            let range: VersionRange
            do { range = try VersionRange(text) } catch { throw item.invalid("kubernetes", error.description) }
            guard let version = try item.string("chartVersion"), ChartVersion.isValid(version) else {
                throw item.invalid("chartVersion", "must be a chart version (e.g. 1.2.3)")
            }
            choices.append(.init(kubernetes: range, chartVersion: version))
        }
        guard chartVersion != nil || !choices.isEmpty else {
            throw reader.invalid("chartVersion", "is missing: give chartVersion, versionsByKubernetes, or both")
        }
        let (repository, digest) = try chart(reader, version: chartVersion, choices: choices)
        return Service(
            chartVersion: chartVersion,
            chartRepository: repository,
            chartDigest: digest,
            values: try values(reader),
            dependsOn: try reader.strings("dependsOn"),
            versionsByKubernetes: choices
        )
    }

    /// `chartRepository` and `chartDigest`, held to what a deployment request takes: a digest pins
    /// one chart, so it goes with `chartVersion`, not with per-Kubernetes choices.
    private static func chart(
        _ reader: ProfileReader,
        version: String?,
        choices: [KubernetesVersionChoice]
    ) throws(Invalid) -> (repository: String?, digest: String?) {
        let repository = try reader.string("chartRepository")
        let digest = try reader.string("chartDigest")
        do {
            try DeploymentFieldRules.validate(
                chart: ChartRequest(version: version, repository: repository, digest: digest),
                values: nil,
                timeoutSeconds: nil
            )
        } catch {
            let field = error.field == "Chart.Digest" ? "chartDigest" : "chartRepository"
            throw reader.invalid(
                field,
                error.message.replacing("Chart.Repository", with: "chartRepository").replacing("Chart.Digest", with: "chartDigest")
            )
        }
        if digest != nil, !choices.isEmpty {
            throw reader.invalid("chartDigest", "pins one chart: give it with chartVersion, not with versionsByKubernetes")
        }
        return (repository, digest)
    }

    /// `values` as YAML text (a block scalar, as in Helm's values files) or as a mapping; each
    /// string leaf checked as a template.
    private static func values(_ reader: ProfileReader) throws(Invalid) -> ValuesTemplate? {
        guard let node = reader.value("values") else { return nil }
        let values: JSONValue
        do {
            if let text = node.scalar?.string {
                values = try JSONValue(yaml: text)
            } else {
                values = try YAMLDecoder().decode(JSONValue.self, from: node)
            }
        } catch {
            throw reader.invalid("values", "is not YAML: \(error)")
        }
        guard values.objectValue != nil else { throw reader.invalid("values", "must be a mapping of values") }
        do {
            return try ValuesTemplate(values)
        } catch {
            throw reader.invalid("values", error.description)
        }
    }

    static func strategy(_ reader: ProfileReader) throws(Invalid) -> Strategy {
        var strategy = Strategy()
        func share(_ key: String, _ fallback: String) throws(Invalid) -> String {
            guard let text = try reader.string(key) else { return fallback }
            guard text.wholeMatch(of: /[0-9]{1,6}%?/) != nil else { throw reader.invalid(key, "must be N clusters or P% of them") }
            return text
        }
        func bounded(_ key: String, _ range: ClosedRange<Int>, _ fallback: Int) throws(Invalid) -> Int {
            let value = try reader.int(key) ?? fallback
            guard range.contains(value) else { throw reader.invalid(key, "must be between \(range.lowerBound) and \(range.upperBound)") }
            return value
        }
        strategy.canary = try bounded("canary", 0...10_000, 0)
        strategy.batchSize = try share("batchSize", strategy.batchSize)
        strategy.maxFailures = try share("maxFailures", strategy.maxFailures)
        strategy.soakSeconds = try bounded("soakSeconds", 0...86_400, 0)
        strategy.timeoutSeconds = try bounded("timeoutSeconds", 1...3600, strategy.timeoutSeconds)
        strategy.approval = try reader.string("approval") ?? "none"
        guard ["none", "after-canary", "every-batch"].contains(strategy.approval) else {
            throw reader.invalid("approval", "must be none, after-canary or every-batch")
        }
        strategy.test = try reader.bool("test") ?? false
        strategy.retries = try bounded("retries", 0...10, 0)
        strategy.retryBackoffSeconds = try reader.int("retryBackoffSeconds")
        strategy.analysis = try analysis(reader)
        return strategy
    }

    /// `analysis`, as `rollout create --analysis` takes it, checked now (but for the token names,
    /// which only the server that makes the rollout knows).
    private static func analysis(_ reader: ProfileReader) throws(Invalid) -> RolloutAnalysisRequest? {
        guard let node = reader.value("analysis") else { return nil }
        let request: RolloutAnalysisRequest
        do {
            let value = try YAMLDecoder().decode(JSONValue.self, from: node)
            request = try WireJSON.decoder().decode(RolloutAnalysisRequest.self, from: try WireJSON.encoder().encode(value))
        } catch {
            throw reader.invalid("analysis", "is not an analysis: \(error)")
        }
        do {
            _ = try request.validated(tokens: nil)
        } catch {
            throw reader.invalid("analysis", error.message)
        }
        return request
    }

    /// `dependsOn` names services of this profile, and never leads back to where it started.
    /// - Parameter lines: each service's line in the document.
    static func checkDependencies(_ services: [String: Service], lines: [String: Int]) throws(Invalid) {
        func invalid(_ name: String, _ reason: String) -> Invalid {
            Invalid(field: "services.\(name).dependsOn", line: lines[name], reason: reason)
        }
        for (name, service) in services.sorted(by: { $0.key < $1.key }) {
            for dependency in service.dependsOn where services[dependency] == nil {
                throw invalid(name, "names \"\(dependency)\", which this profile does not deploy")
            }
        }
        var state: [String: Bool] = [:]  // false: on the path being walked; true: done.
        func walk(_ name: String, _ path: [String]) throws(Invalid) {
            if state[name] == true { return }
            if state[name] == false {
                throw invalid(path.first ?? name, "goes round in a cycle: \((path + [name]).joined(separator: " -> "))")
            }
            state[name] = false
            for dependency in services[name]?.dependsOn ?? [] { try walk(dependency, path + [name]) }
            state[name] = true
        }
        for name in services.keys.sorted() { try walk(name, []) }
    }
}
