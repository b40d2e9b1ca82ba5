public import ArgumentParser
import FleetAPI
import Foundation
import ServerSupport

struct DeploymentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployment",
        abstract: "Create, follow and cancel deployments.",
        subcommands: [Create.self, List.self, Get.self, Cancel.self, Wait.self, Retry.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deploy (or delete) one service on one cluster.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster's ID or name.") var cluster: String
        @Option(help: "A service the provisioners offer (their GET /api/services).") var service: String
        @Option(
            help: ArgumentHelp(
                "apply, delete, verify (is it deployed and ready?), plan (what would an apply change?) or check (has it drifted?).",
                valueName: "action"
            )
        )
        var action: DeploymentAction = .apply
        @Option(help: "Chart version; the service's default when left out.") var chartVersion: String?
        /// What --chart-version was called before; out of the help, where it read as the root's --version.
        @Option(name: .customLong("version"), help: .hidden) var version: String?
        @Option(help: "Chart repository URL (https:// or oci://); the service's default when left out.") var repository: String?
        @Option(help: ArgumentHelp("Install exactly this content (an OCI manifest digest, or a chart archive's sha256).", valueName: "sha256:HEX"))
        var digest: String?
        @Option(help: "A YAML or JSON file of values layered over the service's defaults.") var values: String?
        @Option(name: .customLong("values-from"), help: ValueReference.argumentHelp) var valuesFrom: [ValueReference] = []
        @Option(help: "Its deadline, from 1s to 1h, e.g. 10m (or seconds).") var timeout: DurationArgument?
        @Flag(help: "After the apply, run the chart's tests (helm test); a failed test fails and remediates it.") var test = false
        @OptionGroup var retry: RetryOptions
        @Flag(help: "Print the request instead of sending it.") var dryRun = false

        func run() async throws {
            let clusterID = dryRun ? cluster : try await options.client.clusterID(cluster)
            var body: [String: JSONValue] = ["ClusterID": .string(clusterID), "Service": .string(service), "Action": .string(action.rawValue)]
            if test { body["Test"] = true }
            try retry.add(to: &body)
            if version != nil, chartVersion != nil { throw ValidationError("give --chart-version once") }
            let version = chartVersion ?? version
            if version != nil || repository != nil || digest != nil {
                body["Chart"] = .object([
                    "Version": version.map(JSONValue.string) ?? .null, "Repository": repository.map(JSONValue.string) ?? .null,
                    "Digest": digest.map(JSONValue.string) ?? .null,
                ])
            }
            if let values { body["Values"] = try ClusterCommand.Provision.readValues(values, option: "--values") }
            if !valuesFrom.isEmpty { body["ValuesFrom"] = try ValueReference.wire(valuesFrom) }
            if let timeout { body["TimeoutSeconds"] = .number(Double(timeout.seconds)) }
            if dryRun { return try options.output.print(value: JSONValue.object(body)) }
            let created = try await options.traced("cloud deployment create") { client in
                try await client.call("POST", "/api/deployments", body: JSONValue.object(body))
            }
            try options.output.print(created, table: Tables.deployments)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deployments.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Only this cluster's (its ID or name).") var cluster: String?
        @Option(help: "Only this service's.") var service: String?
        @Option(help: "Only in this state.") var state: String?
        @Option(
            help: ArgumentHelp(
                "Only these actions (comma-separated), or all; by default every action but plan and check.",
                valueName: "action"
            )
        )
        var action: String?
        @Option var page = 0
        @Option var perPage = 100

        func run() async throws {
            let client = try options.client
            var query = ["page=\(page)", "per_page=\(perPage)"]
            if let cluster { query.append("cluster=\(CLIClient.segment(try await client.clusterID(cluster)))") }
            if let service { query.append("service=\(CLIClient.segment(service))") }
            if let state { query.append("state=\(CLIClient.segment(state))") }
            if let action { query.append("action=\(CLIClient.segment(action))") }
            try options.output.print(try await client.call("GET", "/api/deployments?" + query.joined(separator: "&")), table: Tables.deployments)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one deployment.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The deployment ID.") var deployment: String
        func run() async throws { try options.output.print(try await options.client.call("GET", Self.path(deployment)), table: Tables.deployments) }

        static func path(_ id: String) -> String { "/api/deployment/\(CLIClient.segment(id))" }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a deployment that has not finished.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The deployment ID.") var deployment: String
        func run() async throws {
            try options.output.print(try await options.client.call("DELETE", Get.path(deployment)), table: Tables.deployments)
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a failed or cancelled deployment again, as a new one linked to it.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The deployment ID.") var deployment: String
        func run() async throws {
            try options.output.print(try await options.client.call("POST", Get.path(deployment) + "/retry"), table: Tables.deployments)
        }
    }

    struct Wait: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait until a deployment is final; exit 0 only if it succeeded."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "The deployment ID.") var deployment: String
        @Option(help: "Give up after this long, e.g. 10m (or seconds).") var timeout = DurationArgument(argument: "10m")!

        func run() async throws {
            let (current, data) = try await options.client.finalDeployment(
                CLIClient.segment(deployment),
                by: .now + timeout.duration,
                waited: timeout.text,
                what: "deployment \(deployment)"
            )
            try options.output.print(data, table: Tables.deployments)
            guard current.state == .succeeded else {
                throw CLIClient.Failure(
                    description: "deployment \(deployment) ended \(current.state.rawValue)\(current.error.map { ": \($0)" } ?? "")"
                )
            }
        }
    }
}

extension DeploymentAction: ExpressibleByArgument {}

/// `--retries N --retry-backoff D`: re-runs of a failed apply, for deployments and rollouts.
struct RetryOptions: ParsableArguments {
    @Option(help: "Run a failed apply again (after its remediation) up to this many times (0-10).") var retries: Int?
    @Option(help: "The wait before the first retry, doubled each time, e.g. 30s (or seconds).") var retryBackoff: DurationArgument?

    func add(to body: inout [String: JSONValue]) throws {
        if let retries { body["Retries"] = .number(Double(retries)) }
        if let retryBackoff {
            guard retries != nil else { throw ValidationError("--retry-backoff goes with --retries") }
            body["RetryBackoffSeconds"] = .number(Double(retryBackoff.seconds))
        }
    }
}
