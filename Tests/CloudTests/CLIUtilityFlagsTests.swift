import Foundation
import TestSupport
import Testing

/// `cloud cluster provision --utility SERVICE=VERSION --values SERVICE=FILE`, checked with --dry-run:
/// what is sent, and one error line for what cannot be.
@Suite("CLI utility flags", .tags(.integration), .skippedInFastRuns)
struct CLIUtilityFlagsTests {
    func provision(_ arguments: [String]) async throws -> CommandRun {
        try await CommandRun.run(
            ServerProcess.binary("cloud"),
            ["cluster", "provision", "--cluster", "c1", "--dry-run", "--server", "http://127.0.0.1:1"] + arguments
        )
    }

    func request(_ run: CommandRun) throws -> [String: Any]? {
        let body = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return body?["utility-versions"] as? [String: Any]
    }

    @Test("--utility and the named version flags send one entry per service")
    func versions() async throws {
        let run = try await provision([
            "--utility", "metrics-server=3.12.1", "--utility", "node-problem-detector=2.3.12", "--nginx-version", "4.15.1",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let utilities = try request(run)
        #expect(Set(utilities?.keys.map { $0 } ?? []) == ["metrics-server", "node-problem-detector", "nginx"])
        #expect((utilities?["metrics-server"] as? [String: Any])?["Chart"] as? String == "3.12.1")
    }

    @Test("--values sends a YAML or JSON file's values with that service's version")
    func values() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try "replicas: 2\nserver:\n  retention: 30d\n".write(toFile: "\(scratch)/v.yaml", atomically: true, encoding: .utf8)
        try #"{"tolerations": []}"#.write(toFile: "\(scratch)/v.json", atomically: true, encoding: .utf8)

        let run = try await provision([
            "--prometheus-version", "25.18.0", "--values", "prometheus=\(scratch)/v.yaml",
            "--utility", "node-problem-detector=2.3.12", "--values", "node-problem-detector=\(scratch)/v.json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let utilities = try request(run)
        let prometheus = utilities?["prometheus"] as? [String: Any]
        #expect((prometheus?["Values"] as? [String: Any])?["replicas"] as? Int == 2)
        #expect(((prometheus?["Values"] as? [String: Any])?["server"] as? [String: Any])?["retention"] as? String == "30d")
        #expect((utilities?["node-problem-detector"] as? [String: Any])?["Values"] as? [String: [Int]] == ["tolerations": []])
    }

    @Test(
        "a malformed or incomplete pair is one error line and exit code 1",
        arguments: [
            (["--utility", "metrics-server"], "--utility takes SERVICE=VERSION; got \"metrics-server\""),
            (["--utility", "=1.0.0"], "--utility takes SERVICE=VERSION; got \"=1.0.0\""),
            (["--utility", "a=1", "--values", "a"], "--values takes SERVICE=FILE; got \"a\""),
            (["--utility", "a=1", "--utility", "a=2"], "a: version given twice"),
            (["--values", "a=/dev/null"], "name at least one of --prometheus-version, --fluentbit-version, --nginx-version, --utility"),
            (["--utility", "a=1", "--values", "b=/dev/null"], "--values b=/dev/null: give b's version too (--utility b=VERSION)"),
            (["--utility", "a=1", "--values", "a=/nonexistent.yaml"], "--values a=/nonexistent.yaml: cannot read /nonexistent.yaml"),
        ]
    )
    func malformed(arguments: [String], message: String) async throws {
        let run = try await provision(arguments)
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    @Test("a values file that is not a mapping of values is one error line naming it")
    func notAMapping() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try "- a\n- b\n".write(toFile: "\(scratch)/list.yaml", atomically: true, encoding: .utf8)
        try "a: [\n".write(toFile: "\(scratch)/broken.yaml", atomically: true, encoding: .utf8)

        let list = try await provision(["--utility", "a=1", "--values", "a=\(scratch)/list.yaml"])
        #expect(list.status == 1)
        #expect(list.stderr.contains("--values a=\(scratch)/list.yaml: the file must hold a mapping of values"), "\(list.stderr)")
        let broken = try await provision(["--utility", "a=1", "--values", "a=\(scratch)/broken.yaml"])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("--values a=\(scratch)/broken.yaml: not YAML or JSON"), "\(broken.stderr)")
        #expect(broken.stderr.split(separator: "\n").count == 1, "\(broken.stderr)")
    }

    @Test("an empty values file sends no values, as helm takes it")
    func emptyValues() async throws {
        let run = try await provision(["--utility", "a=1", "--values", "a=/dev/null"])
        #expect(run.status == 0, "\(run.stderr)")
        let utilities = try request(run)
        #expect(((utilities?["a"] as? [String: Any])?["Values"] as? [String: Any])?.isEmpty == true)
    }
}
