import Foundation
import Yams

/// Where a chart comes from: a Helm repository by default, or, for air-gapped sites, a local chart
/// directory holding what `helm package` writes (`CHART-VERSION.tgz`) or unpacked charts
/// (`CHART-VERSION/`, or `CHART/` whose Chart.yaml has the version).
public struct ChartLocator: Sendable {
    public var chartDirectory: String?

    public init(chartDirectory: String?) {
        self.chartDirectory = chartDirectory
    }

    public struct NotFound: Error, CustomStringConvertible, Equatable {
        public var chart: String
        public var version: String
        public var directory: String

        public var description: String {
            "chart \(chart) version \(version) not found in \(directory) "
                + "(looked for \(chart)-\(version).tgz, \(chart)-\(version)/ and \(chart)/ with that version)"
        }
    }

    /// What to hand helm for `chart` at `version`: a repository reference, or a local path (helm
    /// is then not given --version: a local chart's version is its own).
    public func locate(_ chart: ChartSpec, version: String) throws(NotFound) -> (reference: String, version: String?) {
        guard let directory = chartDirectory else {
            return ("\(chart.repositoryName)/\(chart.name)", version)
        }
        let fileManager = FileManager.default
        let candidates = ["\(chart.name)-\(version).tgz", "\(chart.name)-\(version)", chart.name]
        for candidate in candidates {
            let path = "\(directory)/\(candidate)"
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if !isDirectory.boolValue { return (path, nil) }
            if Self.chartVersion(at: path) == String(version.trimmingPrefix("v")) { return (path, nil) }
        }
        throw NotFound(chart: chart.name, version: version, directory: directory)
    }

    /// The versions `locate` finds for `chart` in the chart directory, newest first; nil without
    /// a directory (the repository's index says then).
    public func versions(of chart: ChartSpec) -> [String]? {
        guard let directory = chartDirectory else { return nil }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var found: Set<String> = []
        for entry in entries {
            let path = "\(directory)/\(entry)"
            if entry == chart.name {
                if let version = Self.chartVersion(at: path) { found.insert(version) }
                continue
            }
            guard entry.hasPrefix("\(chart.name)-") else { continue }
            let named = String(entry.dropFirst(chart.name.count + 1))
            if named.hasSuffix(".tgz") {
                // Another chart's archive can share the prefix (prometheus-node-exporter-4.0.0.tgz).
                let version = String(named.dropLast(4))
                if version.wholeMatch(of: /v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?/) != nil { found.insert(version) }
            } else if let version = Self.chartVersion(at: path), version == String(named.trimmingPrefix("v")) {
                found.insert(version)
            }
        }
        return found.sorted { $0.compare($1, options: .numeric) == .orderedDescending }
    }

    static func chartVersion(at directory: String) -> String? {
        guard let text = try? String(contentsOfFile: "\(directory)/Chart.yaml", encoding: .utf8),
            let document = try? Yams.load(yaml: text) as? [String: Any]
        else { return nil }
        return (document["version"] as? String).map { String($0.trimmingPrefix("v")) }
    }
}
