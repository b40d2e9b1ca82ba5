import ArgumentParser
import FleetAPI
import Foundation
import ServerSupport

/// `cloud rollout create --plan`: asks the server to plan the rollout on every target cluster
/// (`POST /api/rollouts/plan`), waits for the plans and shows one line per cluster, in wave order.
struct RolloutPlanning {
    let client: CLIClient
    let output: OutputFormat
    var timeout: Duration = .seconds(600)

    struct Row: Codable {
        var entry: RolloutPlanEntry
        var deployment: Deployment

        enum CodingKeys: String, CodingKey {
            case entry = "cluster"
            case deployment
        }
    }

    func run(_ body: JSONValue) async throws {
        let entries = try WireJSON.decoder().decode([RolloutPlanEntry].self, from: try await client.call("POST", "/api/rollouts/plan", body: body))
        let deadline = ContinuousClock.now + timeout
        var rows: [Row] = []
        for entry in entries {
            let (deployment, _) = try await client.finalDeployment(
                entry.deploymentID,
                by: deadline,
                waited: GoDuration.format(timeout),
                what: "the plan for \(entry.name) is"
            )
            rows.append(Row(entry: entry, deployment: deployment))
        }
        switch output {
        case .json, .yaml: try output.print(value: rows)
        case .name: print(rows.map(\.deployment.id).joined(separator: "\n"))
        case .table:
            Printer.table(
                ["WAVE", "CLUSTER", "NAME", "ADD", "CHANGE", "REMOVE", "CHART", "VALUES", "ERROR"],
                rows.map { row in
                    let plan = row.deployment.plan
                    let chart = plan.map { $0.chartChanged ? "\($0.currentChart ?? "-") -> \($0.plannedChart)" : $0.plannedChart } ?? ""
                    return [
                        "\(row.entry.wave)", row.entry.clusterID, row.entry.name, plan.map { "\($0.added)" } ?? "",
                        plan.map { "\($0.changed)" } ?? "", plan.map { "\($0.removed)" } ?? "", chart,
                        plan.map { $0.valuesChanged ? "changed" : "same" } ?? "", row.deployment.error ?? "",
                    ]
                }
            )
        }
        if let failed = rows.first(where: { $0.deployment.state != .succeeded }) {
            throw CLIClient.Failure(
                description:
                    "the plan for \(failed.entry.name) \(failed.deployment.state.rawValue): \(failed.deployment.error ?? "no plan came back")"
            )
        }
        if rows.contains(where: { $0.deployment.plan?.hasChanges == true }) { throw ExitCode(2) }
    }
}
