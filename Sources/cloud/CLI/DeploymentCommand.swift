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
        @Option(help: "The cluster ID.") var cluster: String
        @Option(help: "A service the provisioners offer (their GET /api/services).") var service: String
        @Option(help: "apply or delete.") var action: DeploymentAction = .apply
        @Option(help: "Chart version; the service's default when left out.") var version: String?
        @Option(help: "Chart repository URL (https:// or oci://); the service's default when left out.") var repository: String?
        @Option(help: ArgumentHelp("Install exactly this content (an OCI manifest digest, or a chart archive's sha256).", valueName: "sha256:HEX"))
        var digest: String?
        @Option(help: "A JSON file of values layered over the service's defaults.") var values: String?
        @Option(name: .customLong("values-from"), help: ValueReference.argumentHelp) var valuesFrom: [ValueReference] = []
        @Option(help: "Deadline in seconds (1-3600).") var timeout: Int?
        @Flag(help: "After the apply, run the chart's tests (helm test); a failed test fails and remediates it.") var test = false
        @OptionGroup var retry: RetryOptions
        @Flag(help: "Print the request instead of sending it.") var dryRun = false

        func run() async throws {
            var body: [String: JSONValue] = ["ClusterID": .string(cluster), "Service": .string(service), "Action": .string(action.rawValue)]
            if test { body["Test"] = true }
            try retry.add(to: &body)
            if version != nil || repository != nil || digest != nil {
                body["Chart"] = .object([
                    "Version": version.map(JSONValue.string) ?? .null, "Repository": repository.map(JSONValue.string) ?? .null,
                    "Digest": digest.map(JSONValue.string) ?? .null,
                ])
            }
            if let values {
                guard let data = InputFile.read(values),
                    let parsed = try? WireJSON.decoder().decode(JSONValue.self, from: data)
                else { throw ValidationError("--values: \(values) is not a readable JSON file") }
                body["Values"] = parsed
            }
            if !valuesFrom.isEmpty { body["ValuesFrom"] = try ValueReference.wire(valuesFrom) }
            if let timeout { body["TimeoutSeconds"] = .number(Double(timeout)) }
            if dryRun { return try Printer.encodable(JSONValue.object(body)) }
            let created = try await options.traced("cloud deployment create") { client in
                try await client.call("POST", "/api/deployments", body: JSONValue.object(body))
            }
            Printer.json(created)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deployments.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Only this cluster's.") var cluster: String?
        @Option(help: "Only this service's.") var service: String?
        @Option(help: "Only in this state.") var state: String?
        @Option var page = 0
        @Option var perPage = 100

        func run() async throws {
            var query = ["page=\(page)", "per_page=\(perPage)"]
            if let cluster { query.append("cluster=\(cluster)") }
            if let service { query.append("service=\(service)") }
            if let state { query.append("state=\(state)") }
            let data = try await options.client.call("GET", "/api/deployments?" + query.joined(separator: "&"))
            guard options.output == .table else { return Printer.json(data) }
            let deployments = try WireJSON.decoder().decode([Deployment].self, from: data)
            Printer.table(
                ["ID", "CLUSTER", "SERVICE", "ACTION", "VERSION", "STATE", "ATTEMPTS", "ERROR"],
                deployments.map {
                    [
                        $0.id, $0.clusterID, $0.service.rawValue, $0.action.rawValue, $0.chart?.version ?? "default",
                        $0.state.rawValue, "\($0.attempts)", $0.error ?? "",
                    ]
                }
            )
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one deployment.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The deployment ID.") var deployment: String
        func run() async throws { Printer.json(try await options.client.call("GET", "/api/deployment/\(deployment)")) }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a deployment that has not finished.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The deployment ID.") var deployment: String
        func run() async throws { Printer.json(try await options.client.call("DELETE", "/api/deployment/\(deployment)")) }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a failed or cancelled deployment again, as a new one linked to it.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The deployment ID.") var deployment: String
        func run() async throws { Printer.json(try await options.client.call("POST", "/api/deployment/\(deployment)/retry")) }
    }

    struct Wait: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait until a deployment is final; exit 0 only if it succeeded."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "The deployment ID.") var deployment: String
        @Option(help: "Give up after this long, e.g. 10m.") var timeout = "10m"

        func run() async throws {
            let limit: Duration
            do { limit = try GoDuration.parse(timeout) } catch { throw ValidationError("--timeout: \(error)") }
            let (current, data) = try await options.client.finalDeployment(
                deployment,
                by: .now + limit,
                waited: timeout,
                what: "deployment \(deployment)"
            )
            Printer.json(data)
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
    @Option(help: "The wait before the first retry, doubled each time, e.g. 30s.") var retryBackoff: String?

    func add(to body: inout [String: JSONValue]) throws {
        if let retries { body["Retries"] = .number(Double(retries)) }
        if let retryBackoff {
            guard retries != nil else { throw ValidationError("--retry-backoff goes with --retries") }
            body["RetryBackoffSeconds"] = .number(Double(try RolloutCommand.Create.seconds(retryBackoff, option: "retry-backoff")))
        }
    }
}
