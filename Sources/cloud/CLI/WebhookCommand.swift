import ArgumentParser
import FleetAPI
import Foundation
import ServerSupport

struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Send events to chat channels and other endpoints (admin tokens only).",
        subcommands: [Add.self, List.self, Delete.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "POST matching events to a URL: JSON, or a line of text for a Mattermost or Slack incoming webhook.",
            discussion:
                "Example: cloud webhook add --url https://chat.example.com/hooks/xyz --format mattermost --events rollout.halted,deployment.failed,drift.detected"
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Where to POST; kept secret (lists show only its host).") var url: String
        @Option(help: "json, mattermost or slack.") var format = "json"
        @Option(help: "Comma-separated event types or kinds (rollout.halted, drift.*); default: all.") var events: String?
        @Option(help: "File whose first token signs each body (X-Signature-256: sha256=HMAC-SHA256).") var secretFile: String?

        func run() async throws {
            let secret = try secretFile.map { path in
                do { return try TokenFile.read(path)[0] } catch { throw ValidationError("--secret-file: \(error)") }
            }
            var body = ["URL": url, "Format": format]
            body["Events"] = events
            body["Secret"] = secret
            try options.output.print(try await options.client.call("POST", "/api/webhooks", body: body), table: Tables.webhooks)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List webhooks with their pending deliveries and last error.")
        @OptionGroup var options: ClientOptions

        func run() async throws {
            try options.output.print(try await options.client.call("GET", "/api/webhooks"), table: Tables.webhooks)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop sending to a webhook; its pending deliveries are dropped.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's ID.") var id: String

        func run() async throws {
            guard id.wholeMatch(of: /[A-Za-z0-9-]{1,64}/) != nil else { throw ValidationError("not a webhook ID: \(id.prefix(64))") }
            _ = try await options.client.call("DELETE", "/api/webhook/\(id)")
        }
    }
}
