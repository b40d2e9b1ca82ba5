import Foundation
import TestSupport
import Testing

/// `deploy/prometheus/alerts.yaml` as Prometheus's own tool reads it (Debian's prometheus package,
/// installed by `make test`): the rules load, and each alert's unit tests in `alerts.test.yaml`
/// (input series, the alerts expected at each time) pass.
@Suite("Alert rules")
struct AlertRulesTests {
    static let rules = "\(Testbed.repositoryRoot)/deploy/prometheus"

    @Test("promtool check rules loads every rule")
    func rulesLoad() async throws {
        let run = try await CommandRun.run("/usr/bin/promtool", ["check", "rules", "\(Self.rules)/alerts.yaml"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    }

    @Test("promtool test rules: each alert fires on its input series after its `for`, and not before or otherwise")
    func unitTests() async throws {
        let run = try await CommandRun.run("/usr/bin/promtool", ["test", "rules", "\(Self.rules)/alerts.test.yaml"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    }
}
