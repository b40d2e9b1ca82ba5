import ArgumentParser
import CPostgres
import CSQLite
import FleetAPI
import Foundation
import HTTPClient
import ServerSupport

@main
struct CloudCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloud",
        abstract: "Manage third-party services (Prometheus, Fluent Bit, NGINX) on a fleet of Kubernetes clusters.",
        discussion: "Run `cloud server` to start the server; the other commands talk to it (--server, or CLOUD_SERVER).",
        version: "\(BuildInfo.version) (sqlite \(String(cString: sqlite3_libversion())), libpq \(PQlibVersion() / 10000).\(PQlibVersion() % 10000))",
        subcommands: [
            ServerCommand.self, ClusterCommand.self, DeploymentCommand.self, RolloutCommand.self, WebhookCommand.self, AuditCommand.self,
            SessionCommand.self, ProfileCommand.self,
            BenchStoreCommand.self,
            BenchProfilesCommand.self,
        ]
    )

    static func main() async { await mainWithOneLineErrors() }
}

/// Options every client command takes.
struct ClientOptions: ParsableArguments {
    @Option(help: "The cloud server's URL. (CLOUD_SERVER)")
    var server = ProcessInfo.processInfo.environment["CLOUD_SERVER"] ?? "http://localhost:8075"

    @Option(help: "json (indented, as the Go tool) or table.")
    var output: OutputFormat = .json

    @Option(help: "PEM CA certificate to verify an https server with, beyond the system's. (CLOUD_CA)")
    var ca: String?

    @Option(
        help: ArgumentHelp(
            "Send the command's span (OTLP/HTTP, JSON) to this OpenTelemetry collector, e.g. http://collector:4318. (OTEL_EXPORTER_OTLP_ENDPOINT)",
            discussion:
                "Commands that start work (deployment create, rollout create) always pass their trace to the server; TRACEPARENT puts them in an outer trace."
        )
    )
    var otelEndpoint: String?

    var client: CLIClient {
        get throws {
            var tls = TLSOptions()
            if let ca = self.ca ?? ProcessInfo.processInfo.environment["CLOUD_CA"] {
                guard let data = FileManager.default.contents(atPath: ca) else { throw ValidationError("--ca: cannot read \(ca)") }
                tls.certificateAuthority = data
            }
            return CLIClient(
                server: server,
                token: ProcessInfo.processInfo.environment["CLOUD_API_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
                tls: tls
            )
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case json, table
}
