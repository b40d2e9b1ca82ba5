import ArgumentParser
import FleetAPI
import Foundation

extension ClusterCommand {
    struct Drift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a cluster's utilities for drift now: changed by hand since they were applied?",
            discussion: "Exit 0 when every utility is in sync, 2 when one has drifted, 1 on an error."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster's ID or name.") var cluster: String

        func run() async throws {
            let client = try options.client
            let data = try await client.call("POST", try await client.clusterPath(cluster, "/drift"))
            let results = try WireJSON.decoder().decode([String: DriftStatus].self, from: data)
            if options.output == .table {
                Printer.table(
                    ["SERVICE", "STATE", "REASONS"],
                    results.sorted { $0.key < $1.key }.map { [$0.key, $0.value.state.rawValue, $0.value.reasons.joined(separator: "; ")] }
                )
            } else {
                try options.output.print(data)
            }
            if results.values.contains(where: { $0.state == .drifted }) { throw ExitCode(2) }
        }
    }
}
