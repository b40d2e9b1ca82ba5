import ArgumentParser
import FleetAPI
import Foundation
import Testing

@testable import cloud

/// The conventions kubectl and helm users bring: global options anywhere, `-o` formats,
/// durations as Go writes them, completion.
@Suite("The CLI's conventions")
struct CLIConventionsTests {
    @Test(
        "global options before the subcommand move to just after its name",
        arguments: [
            (["--server", "http://x", "cluster", "list", "-o", "table"], ["cluster", "list", "--server", "http://x", "-o", "table"]),
            (["-o", "name", "--ca=ca.pem", "rollout", "get", "--rollout", "r"], ["rollout", "get", "-o", "name", "--ca=ca.pem", "--rollout", "r"]),
            (["-ojson", "deployment", "list"], ["deployment", "list", "-ojson"]),
            (["cluster", "list", "--server", "http://x"], ["cluster", "list", "--server", "http://x"]),
            // Not a subcommand: left for the parser to refuse.
            (["--server", "http://x", "nonsense"], ["--server", "http://x", "nonsense"]),
        ]
    )
    func globalOptionsMove(_ given: [String], _ parsed: [String]) {
        #expect(GlobalOptions.reordered(given, under: CloudCommand.self) == parsed)
    }

    @Test("a command parses its global options wherever they stood")
    func globalOptionsParse() throws {
        let arguments = GlobalOptions.reordered(
            ["--server", "http://cloud:8075", "-o", "yaml", "cluster", "get", "--cluster", "edge-1"],
            under: CloudCommand.self
        )
        let command = try #require(try CloudCommand.parseAsRoot(arguments) as? ClusterCommand.Get)
        #expect(command.options.server == "http://cloud:8075")
        #expect(command.options.output == .yaml)
        #expect(command.cluster == "edge-1")
    }

    @Test("durations are Go's or bare seconds", arguments: [("90s", 90), ("10m", 600), ("1h30m", 5400), ("600", 600), ("0", 0)])
    func durations(_ text: String, _ seconds: Int) throws {
        #expect(try #require(DurationArgument(argument: text)).seconds == seconds)
    }

    @Test("anything else is no duration", arguments: ["10q", "-5", "", "ten"])
    func notDurations(_ text: String) {
        #expect(DurationArgument(argument: text) == nil)
    }

    @Test("deployment create and rollout create take the same durations")
    func sameDurations() throws {
        let deployment = try DeploymentCommand.Create.parse(["--cluster", "c", "--service", "nginx", "--timeout", "10m"])
        #expect(deployment.timeout?.seconds == 600)
        let rollout = try RolloutCommand.Create.parse(["--service", "nginx", "--all", "--timeout", "600", "--soak", "1m"])
        let body = try rollout.request()
        #expect(body["TimeoutSeconds"] == 600 && body["SoakSeconds"] == 60)
    }

    @Test("-o name prints each resource's ID, else its name, else a report's keys")
    func names() throws {
        #expect(try OutputFormat.names(Data(#"[{"ID":"a","Name":"x"},{"ID":"b"}]"#.utf8)) == ["a", "b"])
        #expect(try OutputFormat.names(Data(#"{"Name":"prod","Revision":3}"#.utf8)) == ["prod"])
        #expect(try OutputFormat.names(Data(#"{"nginx":{"State":"InSync"},"fluentbit":{"State":"Drifted"}}"#.utf8)) == ["fluentbit", "nginx"])
        #expect(throws: ValidationError.self) { try OutputFormat.names(Data(#"{"Count":3}"#.utf8)) }
    }

    @Test("-o yaml is the JSON document as YAML, keys sorted, strings that read as other types quoted")
    func yaml() throws {
        let text = try OutputFormat.yaml(Data(#"{"Name":"edge-1","Labels":["env=prod"],"Replicas":2,"Version":"1.10","Flag":"true"}"#.utf8))
        #expect(text == "Flag: 'true'\nLabels:\n- env=prod\nName: edge-1\nReplicas: 2\nVersion: '1.10'\n")
    }

    @Test("a cluster reads as a table row, its utilities as a row each")
    func tables() throws {
        var cluster = Cluster(id: "c1", name: "edge-1", labels: ["env=prod"], utilities: UtilityMetadata(), createAt: 0)
        cluster.utilities.desiredVersions = ["nginx": UtilityVersion(chart: "4.15.1")]
        cluster.utilities.actualVersions = ["nginx": UtilityVersion(chart: "4.15.0")]
        #expect(Tables.clusters.rows(cluster) == [["c1", "edge-1", "env=prod", "", "nginx=4.15.0"]])
        #expect(Tables.utilities.rows(cluster.utilities) == [["nginx", "4.15.1", "4.15.0", ""]])
    }

    @Test("completion prints a script for each shell; internal commands stay out of the help")
    func completionAndHelp() throws {
        for shell in ["bash", "zsh", "fish"] {
            let command = try #require(try CloudCommand.parseAsRoot(["completion", shell]) as? CompletionCommand)
            #expect(CloudCommand.completionScript(for: try #require(CompletionShell(rawValue: command.shell.rawValue))).contains("cloud"))
        }
        let help = CloudCommand.helpMessage()
        #expect(help.contains("completion") && help.contains("CLOUD_API_TOKEN"))
        #expect(!help.contains("bench-store") && !help.contains("bench-profiles"))
    }

    @Test("an error says what to look at: the token for a 401, the CA for a certificate, else the server's address")
    func hints() {
        #expect(CLIClient.hint(transport: "https://cloud:8075: SSL certificate problem: unable to get local issuer certificate").contains("--ca"))
        #expect(CLIClient.hint(transport: "http://localhost:8075: Couldn't connect to server").contains("--server"))
    }
}
