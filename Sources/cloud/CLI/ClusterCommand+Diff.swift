import ArgumentParser
import FleetAPI
import Foundation
import ServerSupport

extension ClusterCommand {
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a utility version (and values) would change on a cluster, changing nothing.",
            discussion: """
                A provisioner renders the chart against the cluster (helm upgrade --dry-run=server) and \
                compares it with the release's stored manifest. Exit status as diff's: 0 no changes, \
                2 changes, 1 an error. Secret values show as digests. -o table prints it as a diff; \
                -o name the objects it would change.
                """
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster's ID or name.") var cluster: String
        @Option(
            name: .customLong("utility"),
            help: ArgumentHelp("The service and the chart version to compare with what runs.", valueName: "SERVICE=VERSION"),
            transform: ServiceSetting.parser("utility", "VERSION")
        )
        var utility: ServiceSetting
        @Option(help: "A YAML or JSON file of values for it.") var values: String?
        @Option(help: "Give up after this long, e.g. 5m (or seconds).") var timeout = DurationArgument(argument: "5m")!

        func run() async throws {
            let client = try options.client
            var body: [String: JSONValue] = [
                "ClusterID": .string(try await client.clusterID(cluster)), "Service": .string(utility.service.rawValue), "Action": "plan",
                "Chart": ["Version": .string(utility.value)],
            ]
            if let values { body["Values"] = try Provision.readValues(values, option: "--values") }
            let created = try WireJSON.decoder().decode(
                Deployment.self,
                from: try await client.call("POST", "/api/deployments", body: JSONValue.object(body))
            )
            let (current, _) = try await client.finalDeployment(
                created.id,
                by: .now + timeout.duration,
                waited: timeout.text,
                what: "the plan \(created.id) is"
            )
            guard current.state == .succeeded, let plan = current.plan else {
                throw CLIClient.Failure(description: "the plan \(created.id) \(current.state.rawValue): \(current.error ?? "no plan came back")")
            }
            switch options.output {
            case .table: Self.print(plan, service: utility.service)
            case .name: Swift.print(plan.objects.map { "\($0.object)" }.joined(separator: "\n"))
            case .json, .yaml: try options.output.print(value: plan)
            }
            if plan.hasChanges { throw ExitCode(2) }
        }

        static func print(_ plan: ReleasePlan, service: ServiceName) {
            var changes: [String] = []
            if plan.chartChanged { changes.append("chart \(plan.currentChart ?? "(not installed)") -> \(plan.plannedChart)") }
            if plan.valuesChanged { changes.append("values changed") }
            Swift.print("\(service): " + (changes.isEmpty ? "chart \(plan.plannedChart), values unchanged" : changes.joined(separator: ", ")))
            for object in plan.objects {
                let mark =
                    switch object.change {
                    case .added: "+"
                    case .changed: "~"
                    case .removed: "-"
                    }
                Swift.print("  \(mark) \(object.object)")
            }
            Swift.print("\(plan.added) to add, \(plan.changed) to change, \(plan.removed) to remove")
            for object in plan.objects where object.change == .changed {
                Swift.print("\n--- \(object.object)\n+++ \(object.object) (planned)")
                Swift.print(object.diff, terminator: "")
            }
        }
    }
}
