import ArgumentParser
import FleetAPI
import Foundation
import ServerSupport

struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Roll one change across many clusters in waves, gated on health.",
        discussion: """
            Canaries go first, then batches; a batch starts only once the previous one has ended (and \
            soaked, and been approved if asked). More failures than --max-failures halt the rollout.
            """,
        subcommands: [
            Create.self, List.self, Get.self, Wait.self, Pause.self, Resume.self, Approve.self, Cancel.self, Undo.self,
        ]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a rollout of one service's chart version (or its removal).")
        @OptionGroup var options: ClientOptions
        @Option(help: "A service the provisioners offer (their GET /api/services).") var service: String
        @Option(help: "The chart version every cluster gets.") var chartVersion: String?
        @Option(help: "The chart repository (https:// or oci://); the service's own when left out.") var chartRepository: String?
        @Option(
            help: ArgumentHelp(
                "Every cluster gets exactly this content (an OCI manifest digest, or a chart archive's sha256).",
                valueName: "sha256:HEX"
            )
        )
        var chartDigest: String?
        @Option(help: "A YAML or JSON file of values layered over the service's defaults.") var values: String?
        @Option(name: .customLong("values-from"), help: ValueReference.argumentHelp) var valuesFrom: [ValueReference] = []
        @Option(help: "apply, or delete to remove the service.") var action: Action = .apply
        @Option(name: .customLong("selector"), help: ArgumentHelp("Clusters with this label; repeat to AND several.", valueName: "KEY=VALUE"))
        var selectors: [String] = []
        @Option(name: .customLong("cluster"), help: "A cluster's ID or name; repeat for several.") var clusters: [String] = []
        @Flag(help: "Every registered cluster.") var all = false
        @Option(help: "The first N selected clusters go first, as a wave of their own.") var canary: Int?
        @Option(name: .customLong("canary-cluster"), help: "A canary cluster's ID or name; repeat for several.")
        var canaryClusters: [String] = []
        @Option(help: ArgumentHelp("Clusters per wave after the canaries.", valueName: "N|P%")) var batchSize = "25%"
        @Option(help: ArgumentHelp("Failed clusters the rollout tolerates before it halts.", valueName: "N|P%")) var maxFailures = "0"
        @Option(help: "Wait this long after each wave, then re-check its releases, e.g. 5m (or seconds).")
        var soak = DurationArgument(argument: "0s")!
        @Option(help: "Each cluster's deadline, e.g. 10m (or seconds).") var timeout = DurationArgument(argument: "10m")!
        @Option(help: "none, after-canary or every-batch: waits for `cloud rollout approve`.") var approval = "none"
        @Flag(help: "After each cluster's apply, run the chart's tests (helm test); a failed test fails that cluster.")
        var test = false
        @OptionGroup var retry: RetryOptions
        @Option(
            help: ArgumentHelp(
                "A YAML or JSON file of checks on each wave's metrics, read from Prometheus while the wave soaks (docs/cloud-server.md).",
                valueName: "FILE"
            )
        )
        var analysis: String?
        @Flag(help: "Print the request instead of sending it.") var dryRun = false
        @Flag(help: "Show what the rollout would change on each cluster (exit 0 nothing, 2 changes) and start nothing.")
        var plan = false

        func run() async throws {
            var request = try request()
            if !dryRun {
                let client = try options.client
                if !clusters.isEmpty { request["Clusters"] = .array(try await client.clusterIDs(clusters).map(JSONValue.string)) }
                if !canaryClusters.isEmpty { request["CanaryClusters"] = .array(try await client.clusterIDs(canaryClusters).map(JSONValue.string)) }
            }
            let body = JSONValue.object(request)
            if dryRun { return try options.output.print(value: body) }
            if plan { return try await RolloutPlanning(client: try options.client, output: options.output).run(body) }
            let created = try await options.traced("cloud rollout create") { client in try await client.call("POST", "/api/rollouts", body: body) }
            try RolloutPrinter.print(created, output: options.output)
        }

        func request() throws -> [String: JSONValue] {
            var body: [String: JSONValue] = [
                "Service": .string(service), "Action": .string(action.rawValue), "BatchSize": .string(batchSize),
                "MaxFailures": .string(maxFailures), "Approval": .string(approval),
                "SoakSeconds": .number(Double(soak.seconds)), "TimeoutSeconds": .number(Double(timeout.seconds)),
            ]
            var chart: [String: JSONValue] = [:]
            chart["Version"] = chartVersion.map(JSONValue.string)
            chart["Repository"] = chartRepository.map(JSONValue.string)
            chart["Digest"] = chartDigest.map(JSONValue.string)
            if !chart.isEmpty { body["Chart"] = .object(chart) }
            if test { body["Test"] = true }
            try retry.add(to: &body)
            if let values { body["Values"] = try ClusterCommand.Provision.readValues(values, option: "--values") }
            if !valuesFrom.isEmpty { body["ValuesFrom"] = try ValueReference.wire(valuesFrom) }
            if let analysis { body["Analysis"] = try ClusterCommand.Provision.readValues(analysis, option: "--analysis") }
            guard [!selectors.isEmpty, !clusters.isEmpty, all].count(where: { $0 }) == 1 else {
                throw ValidationError("choose the clusters with one of --selector, --cluster or --all")
            }
            if !selectors.isEmpty {
                var selector: [String: JSONValue] = [:]
                for pair in selectors {
                    guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                        throw ValidationError("--selector takes KEY=VALUE; got \"\(pair)\"")
                    }
                    selector[String(pair[..<equals])] = .string(String(pair[pair.index(after: equals)...]))
                }
                body["Selector"] = .object(selector)
            }
            if !clusters.isEmpty { body["Clusters"] = .array(clusters.map(JSONValue.string)) }
            if all { body["All"] = true }
            if let canary { body["Canary"] = .number(Double(canary)) }
            if !canaryClusters.isEmpty { body["CanaryClusters"] = .array(canaryClusters.map(JSONValue.string)) }
            return body
        }

        enum Action: String, ExpressibleByArgument, CaseIterable {
            case apply, delete
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rollouts, newest first.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Only in this state.") var state: String?
        @Option var page = 0
        @Option var perPage = 100

        func run() async throws {
            var path = "/api/rollouts?page=\(page)&per_page=\(perPage)"
            if let state { path += "&state=\(CLIClient.segment(state))" }
            let data = try await options.client.call("GET", path)
            guard options.output == .table else { return try options.output.print(data) }
            RolloutPrinter.list(try WireJSON.decoder().decode([RolloutPrinter.View].self, from: data))
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a rollout: state, wave, counts, each cluster, history.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The rollout ID.") var rollout: String

        func run() async throws {
            try RolloutPrinter.print(try await options.client.call("GET", "/api/rollout/\(CLIClient.segment(rollout))"), output: options.output)
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start no new wave until resumed; what runs finishes.")
        @OptionGroup var control: RolloutControl
        func run() async throws { try await control.send("pause") }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Go on after a pause, or after a halt with a larger --max-failures.")
        @OptionGroup var control: RolloutControl
        @Option(help: ArgumentHelp("A new failure budget.", valueName: "N|P%")) var maxFailures: String?
        func run() async throws {
            try await control.send("resume", body: maxFailures.map { JSONValue.object(["MaxFailures": .string($0)]) })
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a rollout waiting for approval start its next wave.")
        @OptionGroup var control: RolloutControl
        func run() async throws { try await control.send("approve") }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a rollout and cancel its deployments in flight.")
        @OptionGroup var control: RolloutControl
        func run() async throws { try await control.send("cancel") }
    }

    struct Undo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the clusters a finished rollout changed back to what they had, as a new rollout."
        )
        @OptionGroup var control: RolloutControl
        func run() async throws { try await control.send("undo") }
    }
}

/// What every command acting on one rollout takes.
struct RolloutControl: ParsableArguments {
    @OptionGroup var options: ClientOptions
    @Option(help: "The rollout ID.") var rollout: String

    func send(_ verb: String, body: JSONValue? = nil) async throws {
        let data = try await options.client.call("POST", "/api/rollout/\(CLIClient.segment(rollout))/\(verb)", body: body)
        try RolloutPrinter.print(data, output: options.output)
    }
}
