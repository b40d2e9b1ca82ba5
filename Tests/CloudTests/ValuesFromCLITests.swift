import ArgumentParser
import FleetAPI
import Foundation
import Testing

@testable import cloud

/// `--values-from` on `cloud deployment create` and `cloud rollout create`: a reference in the
/// spelling the servers show it in, sent as `ValuesFrom`.
@Suite("--values-from")
struct ValuesFromCLITests {
    @Test(
        "a reference is read from PATH=SOURCE:NAME[#KEY]",
        arguments: [
            (
                "grafana.adminPassword=secretsmanager:prod/grafana#password",
                ValueReference(path: "grafana.adminPassword", secretsManager: .init(secretID: "prod/grafana"), key: "password")
            ),
            ("token=ssm:/prod/token", ValueReference(path: "token", ssmParameter: .init(name: "/prod/token"))),
        ]
    )
    func parsed(_ argument: String, _ reference: ValueReference) {
        #expect(ValueReference(argument: argument) == reference)
    }

    @Test("anything else is refused", arguments: ["token", "token=vault:x", "=ssm:/x", "token=ssm:", "token=ssm:#k"])
    func refused(_ argument: String) {
        #expect(ValueReference(argument: argument) == nil)
    }

    @Test("a rollout sends the references as ValuesFrom")
    func rolloutBody() throws {
        let command = try RolloutCommand.Create.parse([
            "--service", "prometheus", "--chart-version", "25.19.0", "--all", "--values-from", "a.b=ssm:/p#k",
        ])
        let body = try command.request()
        #expect(body["ValuesFrom"] == [["Path": "a.b", "SSMParameter": ["Name": "/p"], "Key": "k"]])
    }
}
