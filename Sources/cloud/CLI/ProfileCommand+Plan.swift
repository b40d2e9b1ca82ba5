import ArgumentParser
import FleetAPI
import Foundation

extension ProfileCommand {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what applying a profile document would change, on which clusters, by wave; changes nothing."
        )
        @OptionGroup var options: ClientOptions
        @Option(name: [.customShort("f"), .customLong("file")], help: "The profile document.") var file: String
        @Flag(help: "Also have a provisioner plan each install and upgrade, and show what helm would add, change and remove.")
        var diff = false

        func run() async throws {
            let (data, _) = try ProfileCommand.document(file)
            let client = try options.client
            let reply = try await client.call("POST", "/api/profiles/plan\(diff ? "?diff=true" : "")", raw: data)
            guard options.output == .table else { return try options.output.print(reply) }
            let plan = try WireJSON.decoder().decode(ProfilePlan.self, from: reply)
            var diffs: [String: String] = [:]
            let deadline = ContinuousClock.now + .seconds(600)
            for id in plan.changes.compactMap(\.planDeploymentID) {
                let (deployment, _) = try await client.finalDeployment(id, by: deadline, waited: "10m", what: "the plan \(id) is")
                diffs[id] = deployment.plan.map { "+\($0.added) ~\($0.changed) -\($0.removed)" } ?? deployment.error ?? deployment.state.rawValue
            }
            Printer.table(
                ["CLUSTER", "SERVICE", "CHANGE", "WAVE", "FROM", "TO", "VALUES"] + (diff ? ["OBJECTS"] : []) + ["DETAIL"],
                plan.changes.map { entry in
                    [
                        entry.name, entry.service.rawValue, entry.change.rawValue, entry.wave.map(String.init) ?? "-", entry.from ?? "-",
                        entry.to ?? "-", entry.valuesShown,
                    ] + (diff ? [entry.planDeploymentID.flatMap { diffs[$0] } ?? "-"] : []) + [entry.detail ?? ""]
                }
            )
            print("revision \(plan.revision): \(plan.changes.count) change(s), \(plan.unchanged) unchanged")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show, per cluster and service, whether a profile is in sync, rolling out, failed, drifted or waiting for its window."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The profile's name.") var name: String

        func run() async throws {
            let reply = try await options.client.call("GET", "/api/profile/\(CLIClient.segment(name))/status")
            guard options.output == .table else { return try options.output.print(reply) }
            let status = try WireJSON.decoder().decode(ProfileStatus.self, from: reply)
            Printer.table(
                ["CLUSTER", "SERVICE", "STATE", "REVISION", "DETAIL"],
                status.clusters.map { [$0.name, $0.service.rawValue, $0.state.rawValue, $0.revision.map(String.init) ?? "-", $0.detail ?? ""] }
            )
            let counts = ProfileStatus.State.allCases.compactMap { state in status.counts[state.rawValue].map { "\($0) \(state.rawValue)" } }
            print("revision \(status.revision): " + (counts.isEmpty ? "no clusters" : counts.joined(separator: ", ")))
            if let held = status.held {
                print("held: revision \(held.revision) was undone by rollout \(held.undoneBy) (\(held.reason)); a new revision rolls out again")
            }
        }
    }
}

extension ProfileCommand {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the Git repository of profiles now and show how it went (the server needs --profiles-git)."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "How long to wait for the sync, e.g. 1m (or seconds).") var timeout = DurationArgument(argument: "60")!

        func run() async throws {
            let client = try options.client
            let before = try? await client.get("/api/profiles/sync", as: ProfileSourceState.self)
            _ = try await client.call("POST", "/api/profiles/sync")
            let deadline = ContinuousClock.now + timeout.duration
            while ContinuousClock.now < deadline {
                if let state = try? await client.get("/api/profiles/sync", as: ProfileSourceState.self), state.syncedAt != before?.syncedAt {
                    try options.output.print(value: state)
                    if let error = state.error { throw ValidationError("the commit was not applied: \(error)") }
                    return
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            throw ValidationError("no sync finished within \(timeout.text); see GET /api/profiles/sync")
        }
    }
}
