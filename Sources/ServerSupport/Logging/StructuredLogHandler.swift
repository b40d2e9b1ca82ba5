import Foundation
public import Logging

/// One event per line on standard error, as `key=value` text or as a JSON object, so log shippers
/// (Fluent Bit included) can parse it.
public struct StructuredLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable {
        case text
        case json
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: Format

    public init(label: String, format: Format, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    /// A logger for `label` that writes through this handler.
    public static func logger(label: String, format: Format, level: Logger.Level) -> Logger {
        Logger(label: label) { label in StructuredLogHandler(label: label, format: format, level: level) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        let line: String
        switch format {
        case .json:
            var object: [String: String] = fields.mapValues { "\($0)" }
            object["ts"] = time
            object["level"] = event.level.rawValue
            object["msg"] = "\(event.message)"
            object["logger"] = label
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            line = (try? encoder.encode(object)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        case .text:
            let pairs = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted("\($0.value)"))" }
            line = ([time, event.level.rawValue, "\(event.message)"] + pairs).joined(separator: " ")
        }
        // The throwing write: the other one stops the process when stderr's reader has gone (EPIPE),
        // e.g. the log filter `make run` pipes into, which Ctrl-C stops before the servers finish draining.
        try? FileHandle.standardError.write(contentsOf: Data((line + "\n").utf8))
    }

    private static func quoted(_ value: String) -> String {
        value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? "\"\(value.replacingOccurrences(of: "\"", with: "\\\""))\"" : value
    }
}
