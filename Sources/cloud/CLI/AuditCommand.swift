import ArgumentParser
import FleetAPI
import Foundation
import ServerSupport

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read the audit log (admin tokens only).",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries, newest first.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Only entries from this long ago (e.g. 24h), or since this time in milliseconds since the epoch.")
        var since: String?
        @Option(help: "Only this token name's entries.") var actor: String?
        @Option(help: "Only entries older than this ID (the last ID of the previous page).") var before: Int64?
        @Option(help: "At most this many entries (1-1000).") var limit = 100

        func run() async throws {
            var query = ["limit=\(limit)"]
            if let since { query.append("since=\(try Self.milliseconds(since: since, now: Date()))") }
            if let actor {
                query.append("actor=\(actor.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "+", "="])) ?? actor)")
            }
            if let before { query.append("before=\(before)") }
            try options.output.print(try await options.client.call("GET", "/api/audit?" + query.joined(separator: "&")), table: Tables.auditEntries)
        }

        /// A time in milliseconds as it is, or a duration back from `now`.
        static func milliseconds(since text: String, now: Date) throws -> Int64 {
            if let milliseconds = Int64(text) { return milliseconds }
            guard let duration = try? GoDuration.parse(text) else {
                throw ValidationError("--since: expected a duration such as 24h or milliseconds since the epoch, got \"\(text)\"")
            }
            return now.millisecondsSince1970 - duration.milliseconds
        }
    }
}
