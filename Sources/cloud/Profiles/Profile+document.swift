import FleetAPI
import Yams

extension Profile {
    typealias Invalid = ProfileReader.Invalid

    static let maxDocumentBytes = 1 << 20

    /// Reads a profile document, YAML or JSON, checking every field; `services` are the service
    /// names the provisioners offer (nil: not known yet, any well-formed name passes).
    init(document text: String, services known: Set<String>? = nil) throws(Invalid) {
        guard text.utf8.count <= Self.maxDocumentBytes else {
            throw Invalid(field: "profile", reason: "is over \(Self.maxDocumentBytes >> 10) KiB")
        }
        let root: Node?
        do {
            // Decoded once as values are, for its alias expansion limit, then read with its lines.
            _ = try JSONValue(yaml: text)
            root = try Yams.compose(yaml: text)
        } catch {
            throw Invalid(field: "profile", reason: "is not a YAML or JSON document: \(error)")
        }
        let top = try ProfileReader(
            root,
            path: "",
            allowed: ["name", "selector", "services", "strategy", "window", "onLeave", "newClusters", "priority"]
        )
        guard let name = try top.string("name"), name.wholeMatch(of: /[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?/) != nil else {
            throw top.invalid("name", "must be 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit")
        }
        self.name = name
        selector = try Self.selector(top)
        services = [:]
        let entries = try top.entries("services")
        guard !entries.isEmpty else { throw top.invalid("services", "must name at least one service") }
        var lines: [String: Int] = [:]
        for (service, node, line) in entries {
            guard service.wholeMatch(of: /[a-z0-9][a-z0-9-]{0,62}/) != nil else {
                throw Invalid(field: "services.\(service)", line: line, reason: "is not a service name")
            }
            if let known, !known.contains(service) {
                let offered = known.sorted().joined(separator: ", ")
                throw Invalid(field: "services.\(service)", line: line, reason: "is not a service the provisioners offer (\(offered))")
            }
            lines[service] = line
            services[service] = try Self.service(
                ProfileReader(
                    node,
                    path: "services.\(service)",
                    allowed: ["chartVersion", "chartRepository", "chartDigest", "values", "dependsOn", "versionsByKubernetes"]
                )
            )
        }
        try Self.checkDependencies(services, lines: lines)
        strategy = try Self.strategy(ProfileReader(top.value("strategy"), path: "strategy", allowed: Set(Self.strategyFields)))
        window = try top.value("window").map { node throws(Invalid) in
            let reader = try ProfileReader(node, path: "window", allowed: ["days", "start", "end", "timeZone"])
            let (days, start, end, zone) = (
                try reader.strings("days"), try reader.string("start") ?? "00:00", try reader.string("end") ?? "24:00",
                try reader.string("timeZone") ?? "UTC"
            )
            do throws(MaintenanceWindow.Invalid) {
                return try MaintenanceWindow(days: days, start: start, end: end, timeZone: zone)
            } catch {
                throw reader.invalid(String(error.field.dropFirst("window.".count)), error.description)
            }
        }
        onLeave = try Self.choice(top, "onLeave", default: .keep)
        newClusters = try Self.choice(top, "newClusters", default: .immediate)
        priority = try top.int("priority") ?? 0
    }

    private static func choice<T: RawRepresentable & CaseIterable>(_ reader: ProfileReader, _ key: String, default value: T) throws(Invalid) -> T
    where T.RawValue == String {
        guard let text = try reader.string(key) else { return value }
        guard let choice = T(rawValue: text) else {
            throw reader.invalid(key, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }
}
