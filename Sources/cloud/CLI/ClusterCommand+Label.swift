import ArgumentParser
import FleetAPI

extension ClusterCommand {
    struct Label: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set or remove a cluster's labels; profiles match it again at once.",
            discussion: "cloud cluster label --cluster NAME env=prod region=eu --remove canary"
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster's ID or name.") var cluster: String
        @Argument(help: ArgumentHelp("Labels to set.", valueName: "KEY=VALUE")) var labels: [String] = []
        @Option(name: .customLong("remove"), help: ArgumentHelp("A label key to remove; repeatable.", valueName: "KEY")) var removed: [String] = []
        @Flag(help: "Print the request instead of sending it.") var dryRun = false

        func validate() throws {
            guard !labels.isEmpty || !removed.isEmpty else { throw ValidationError("give labels to set (KEY=VALUE) or --remove KEY") }
            for label in labels where label.firstIndex(of: "=").map({ $0 == label.startIndex }) ?? true {
                throw ValidationError("\"\(label)\" is not KEY=VALUE")
            }
        }

        func run() async throws {
            var set: [String: JSONValue] = [:]
            for label in labels {
                let equals = label.firstIndex(of: "=")!  // validate() made sure
                set[String(label[..<equals])] = .string(String(label[label.index(after: equals)...]))
            }
            let body = JSONValue.object(["Set": .object(set), "Remove": .array(removed.map(JSONValue.string))])
            if dryRun { return try options.output.print(value: body) }
            let client = try options.client
            try options.output.print(
                try await client.call("POST", try await client.clusterPath(cluster, "/labels"), body: body),
                table: Tables.clusters
            )
        }
    }
}
