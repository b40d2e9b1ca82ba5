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
        discussion: """
            Run `cloud server` to start the server; the other commands talk to it: --server (CLOUD_SERVER), \
            the API token in CLOUD_API_TOKEN or --token-file, an https server's CA in --ca (CLOUD_CA). \
            These and -o/--output may stand before or after the subcommand. Shell completion: `cloud completion --help`.
            """,
        version: "\(BuildInfo.version) (sqlite \(String(cString: sqlite3_libversion())), libpq \(PQlibVersion() / 10000).\(PQlibVersion() % 10000))",
        subcommands: [
            ServerCommand.self, ClusterCommand.self, DeploymentCommand.self, RolloutCommand.self, WebhookCommand.self, AuditCommand.self,
            SessionCommand.self, ProfileCommand.self,
            CompletionCommand.self, BenchStoreCommand.self, BenchProfilesCommand.self,
        ]
    )

    static func main() async {
        await mainWithOneLineErrors(arguments: GlobalOptions.reordered(Array(CommandLine.arguments.dropFirst()), under: Self.self))
    }
}

/// Options every client command takes; they may also stand before the subcommand
/// (`cloud --server URL cluster list`, see `GlobalOptions`).
struct ClientOptions: ParsableArguments {
    @Option(help: "The cloud server's URL. (CLOUD_SERVER)")
    var server = ProcessInfo.processInfo.environment["CLOUD_SERVER"] ?? "http://localhost:8075"

    @Option(name: [.customShort("o"), .long], help: "json (indented, as the Go tool), yaml, table, or name (IDs, one per line).")
    var output: OutputFormat = .json

    @Option(help: "PEM CA certificate to verify an https server with, beyond the system's. (CLOUD_CA)")
    var ca: String?

    @Option(help: "A file whose first token is the API token to send; without it, CLOUD_API_TOKEN.")
    var tokenFile: String?

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
            let environment = ProcessInfo.processInfo.environment
            var tls = TLSOptions()
            if let ca = self.ca ?? environment["CLOUD_CA"].flatMap({ $0.isEmpty ? nil : $0 }) {
                guard let data = FileManager.default.contents(atPath: ca) else { throw ValidationError("--ca: cannot read \(ca)") }
                tls.certificateAuthority = data
            }
            let token: String?
            if let tokenFile {
                // Any line format a token file may have; the first token is this client's.
                do { token = try TokenFile.lines(tokenFile)[0].token } catch { throw ValidationError("--token-file: \(error)") }
            } else {
                token = environment["CLOUD_API_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            }
            return CLIClient(server: server, token: token, tls: tls)
        }
    }
}
