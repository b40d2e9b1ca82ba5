import FleetAPI
import Foundation
import TestSupport

/// One upstream chart's data at one version, as `../shared/charts/<chart>-<version>/` keeps it: the
/// `values.yaml` its templates read their defaults from, and `values.schema.json` where it has one.
/// It is the ground truth for which value keys a chart has: not our charts, not our guesses.
struct UpstreamChart: Sendable {
    static let root = "\(Testbed.repositoryRoot)/../shared/charts"

    var name: String
    var version: String
    var directory: String
    var values: JSONValue
    var schema: JSONValue?

    init(directory: String) throws {
        let chart = try JSONValue(yaml: String(contentsOfFile: "\(directory)/Chart.yaml", encoding: .utf8)).objectValue ?? [:]
        guard case .string(let name)? = chart["name"], case .string(let version)? = chart["version"] else {
            throw Missing(what: "a name and version in \(directory)/Chart.yaml")
        }
        self.name = name
        self.version = version
        self.directory = directory
        values = try JSONValue(yaml: String(contentsOfFile: "\(directory)/values.yaml", encoding: .utf8))
        schema = (try? Data(contentsOf: URL(fileURLWithPath: "\(directory)/values.schema.json")))
            .flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
    }

    /// Every version of `chart` kept upstream, oldest first.
    static func versions(of chart: String) throws -> [UpstreamChart] {
        try FileManager.default.contentsOfDirectory(atPath: root)
            .filter { $0.hasPrefix("\(chart)-") && $0.dropFirst(chart.count + 1).first?.isNumber == true }
            .map { try UpstreamChart(directory: "\(root)/\($0)") }
            .filter { $0.name == chart }
            .sorted { $0.version.compare($1.version, options: .numeric) == .orderedAscending }
    }

    /// The subchart of that name, as the upstream parent bundles it.
    func subchart(_ name: String) throws -> UpstreamChart {
        try UpstreamChart(directory: "\(directory)/charts/\(name)")
    }

    /// Whether the chart has the value key at `path`: in values.yaml, or below a key whose default
    /// is an empty map or null (annotations, resources, a controller's config: free-form maps the
    /// templates render whole), or in values.schema.json.
    func declares(_ path: [String]) -> Bool {
        var node = values
        for key in path {
            switch node {
            case .null: return true
            case .object(let map) where map.isEmpty: return true
            case .object(let map):
                guard let next = map[key] else { return schemaDeclares(path) }
                node = next
            default:
                return false
            }
        }
        return true
    }

    private func schemaDeclares(_ path: [String]) -> Bool {
        guard var node = schema else { return false }
        for key in path {
            guard case .object(let properties)? = node.objectValue?["properties"] else {
                // An object schema without properties takes any keys.
                return node.objectValue?["type"] == "object"
            }
            guard let next = properties[key] else { return false }
            node = next
        }
        return true
    }

    struct Missing: Error, CustomStringConvertible {
        var what: String
        var description: String { "upstream chart data lacks \(what)" }
    }
}

extension JSONValue {
    /// The path of every leaf: a scalar, a list (a chart replaces lists whole) or an empty map.
    var leafPaths: [[String]] {
        guard case .object(let map) = self, !map.isEmpty else { return [[]] }
        return map.keys.sorted().flatMap { key in map[key]!.leafPaths.map { [key] + $0 } }
    }

    /// The value at `path`, if every step is a map that has the key.
    subscript(path path: [String]) -> JSONValue? {
        path.reduce(Optional(self)) { node, key in node?.objectValue?[key] }
    }
}
