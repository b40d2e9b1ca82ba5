import Foundation

/// Kept with a rollout as the profile spells it: `{days: [Sat], start: "02:00", end: "06:00",
/// timeZone: Europe/Berlin}`.
extension MaintenanceWindow: Codable {
    private enum CodingKeys: String, CodingKey {
        case days, start, end, timeZone
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                days: try container.decode([String].self, forKey: .days),
                start: try container.decode(String.self, forKey: .start),
                end: try container.decode(String.self, forKey: .end),
                timeZone: try container.decode(String.self, forKey: .timeZone)
            )
        } catch let invalid as Invalid {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: invalid.description))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(days.sorted().map { Self.dayNames[$0 - 1] }, forKey: .days)
        try container.encode(Self.clock(start), forKey: .start)
        try container.encode(Self.clock(end), forKey: .end)
        try container.encode(timeZoneName, forKey: .timeZone)
    }

    /// `HH:MM` of minutes after midnight.
    static func clock(_ minutes: Int) -> String {
        let hours = String(minutes / 60)
        let rest = String(minutes % 60)
        return String(repeating: "0", count: 2 - hours.count) + hours + ":" + String(repeating: "0", count: 2 - rest.count) + rest
    }

    var description: String {
        let on = days.isEmpty ? "every day" : days.sorted().map { Self.dayNames[$0 - 1] }.joined(separator: ",")
        return "\(on) \(Self.clock(start))-\(Self.clock(end)) \(timeZoneName)"
    }
}
