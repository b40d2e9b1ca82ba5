import ArgumentParser
import FleetAPI
import Foundation
import Yams

/// `-o/--output`: kubectl's set. `json` is the server's answer indented (as the Go tool prints
/// it), `yaml` the same document, `table` columns for people, `name` the IDs one per line for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case json, yaml, table, name
}

/// How one kind of resource reads as a table: its columns, and its rows (one per resource, or
/// one per part of it, such as a cluster's utilities).
struct TableLayout<Resource: Decodable> {
    var columns: [String]
    var rows: (Resource) -> [[String]]

    init(_ columns: [String], rows: @escaping (Resource) -> [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    init(_ columns: [String], row: @escaping (Resource) -> [String]) {
        self.init(columns) { [row($0)] }
    }
}

extension OutputFormat {
    /// Prints `data`, the server's answer (one resource or a list of them), in this format.
    /// - Parameter layout: the resource's table; without one, `table` shows a single resource's
    ///   fields one per row, or a list's scalar fields as columns.
    func print<Resource>(_ data: Data, table layout: TableLayout<Resource>?) throws {
        switch self {
        case .json: Printer.json(data)
        case .yaml: Swift.print(try Self.yaml(data), terminator: "")
        case .name:
            let names = try Self.names(data)
            if !names.isEmpty { Swift.print(names.joined(separator: "\n")) }
        case .table:
            guard let layout else { return try Self.genericTable(data) }
            let decoder = WireJSON.decoder()
            let rows =
                Self.isList(data)
                ? try decoder.decode([Resource].self, from: data).flatMap(layout.rows) : layout.rows(try decoder.decode(Resource.self, from: data))
            Printer.table(layout.columns, rows)
        }
    }

    /// Prints an answer that has no table of its own.
    func print(_ data: Data) throws {
        try print(data, table: TableLayout<JSONValue>?.none)
    }

    /// Prints a value the CLI made itself (a request under --dry-run, a plan).
    func print<Resource: Encodable & Decodable>(value: Resource, table layout: TableLayout<Resource>? = nil) throws {
        try print(try WireJSON.encoder().encode(value), table: layout)
    }

    private static func isList(_ data: Data) -> Bool {
        data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) } == UInt8(ascii: "[")
    }

    static func yaml(_ data: Data) throws -> String {
        guard !data.isEmpty else { return "" }
        let value = try WireJSON.decoder().decode(JSONValue.self, from: data)
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = true
        return try encoder.encode(value)
    }

    /// What identifies each resource: its `ID`, else its `Name`; a map of objects (a report per
    /// service) by its keys.
    static func names(_ data: Data) throws -> [String] {
        guard !data.isEmpty else { return [] }
        let value = try WireJSON.decoder().decode(JSONValue.self, from: data)
        func name(_ item: JSONValue) -> String? {
            guard let object = item.objectValue else { return nil }
            for key in ["ID", "Name"] {
                switch object[key] {
                case .string(let text)?: return text
                case .number(let number)?: return String(Int64(number))
                default: continue
                }
            }
            return nil
        }
        switch value {
        case .array(let items):
            let found = items.compactMap(name)
            if found.count == items.count { return found }
        case .object(let object):
            if let one = name(value) { return [one] }
            if !object.isEmpty, object.values.allSatisfy({ $0.objectValue != nil }) { return object.keys.sorted() }
        default: break
        }
        throw ValidationError("-o name: the answer has no IDs or names to print; use -o json, yaml or table")
    }

    /// A table of any answer: one object's fields a row each, or a list's scalar fields as columns.
    private static func genericTable(_ data: Data) throws {
        guard !data.isEmpty else { return }
        let value = try WireJSON.decoder().decode(JSONValue.self, from: data)
        switch value {
        case .array(let items):
            let objects = items.compactMap(\.objectValue)
            let keys = Array(Set(objects.flatMap { $0.filter { $0.value.isScalar }.keys })).sorted { ($0 == "ID" ? "" : $0) < ($1 == "ID" ? "" : $1) }
            Printer.table(keys.map { $0.uppercased() }, objects.map { object in keys.map { cell(object[$0]) } })
        case .object(let object):
            Printer.table(["FIELD", "VALUE"], object.keys.sorted().map { [$0, cell(object[$0])] })
        default:
            Swift.print(cell(value))
        }
    }

    /// A value in one cell: scalars as they read, anything nested as compact JSON.
    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let text)?: text
        case .bool(let flag)?: "\(flag)"
        case .number(let number)?: number.rounded() == number && abs(number) < 1e15 ? "\(Int64(number))" : "\(number)"
        case let other?: (try? String(decoding: WireJSON.encoder().encode(other), as: UTF8.self)) ?? ""
        }
    }
}
