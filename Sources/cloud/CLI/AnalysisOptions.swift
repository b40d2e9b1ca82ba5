import ArgumentParser
import FleetAPI
import Foundation
import ServerSupport

/// `cloud server`'s flags for rollout analyses: where they may read Prometheus, and the tokens
/// they may send by name.
struct AnalysisOptions: ParsableArguments {
    @Option(
        name: .customLong("allowed-metrics-source"),
        help: ArgumentHelp(
            "A CIDR range, an address or a host name (exact or *.suffix) a rollout analysis may read Prometheus at; repeatable. Default: any public or private address. (CLOUD_ALLOWED_METRICS_SOURCES, comma-separated)",
            discussion:
                "Loopback, link-local, metadata, multicast and reserved addresses are refused unless a range given here lies inside them (127.0.0.0/8 for a Prometheus on this host). Each query checks the address the host resolves to and connects to that one."
        )
    )
    var allowedMetricsSources: [String] = CommaSeparated.entries(ProcessInfo.processInfo.environment["CLOUD_ALLOWED_METRICS_SOURCES"])

    @Option(
        name: .customLong("metrics-token"),
        help: ArgumentHelp(
            "NAME=FILE: a bearer token a rollout analysis may send to its Prometheus by naming it (Analysis.Prometheus.BearerToken); repeatable.",
            discussion:
                "The file's first word is the token, read on every query, so a rotated token is used at once. Analyses name tokens, never files."
        )
    )
    var metricsTokens: [String] = []

    func configuration() throws -> MetricsReader.Configuration {
        MetricsReader.Configuration(
            policy: try AddressPolicy.metricsSources.allowing(flagValues: allowedMetricsSources, flag: "--allowed-metrics-source"),
            tokens: try Self.namedFiles(metricsTokens, flag: "--metrics-token")
        )
    }

    /// `NAME=FILE` values, each file readable now.
    static func namedFiles(_ values: [String], flag: String) throws -> [String: String] {
        var files: [String: String] = [:]
        for value in values {
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                throw ValidationError("\(flag) takes NAME=FILE, not \"\(value)\"")
            }
            let name = String(value[..<equals])
            let file = String(value[value.index(after: equals)...])
            guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("\(flag) \(name): cannot read \(file)") }
            guard files.updateValue(file, forKey: name) == nil else { throw ValidationError("\(flag) names \(name) twice") }
        }
        return files
    }
}
