import FleetAPI
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The dashboard in a real browser: `Tests/ui/dashboard_test.py` drives Debian's chromium
/// (headless, through selenium) against a real stack started here: three emulated clusters, a
/// provisioner and a cloud server with an admin and a viewer token. It signs in, watches a
/// deployment finish on the grid without a reload, pauses and resumes a rollout with the buttons,
/// and checks that a viewer gets no buttons. Screenshots of each page go to `.build/ui-screenshots/`.
@Suite("Dashboard in a browser", .tags(.integration), .skippedInFastRuns)
struct DashboardBrowserTests {
    static func browserInstalled() async -> Bool {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
        else { return false }
        return (try? await CommandRun.run("/usr/bin/env", ["python3", "-c", "import selenium"]).status) == 0
    }

    @Test(
        "sign in, live grid, rollout buttons, viewer without buttons",
        .enabled("needs chromium, chromium-driver and selenium (make deps)") { await browserInstalled() }
    )
    func dashboard() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let (admin, viewer) = ("admin-\(ID.make())", "viewer-\(ID.make())")
        try "\(admin) admin root\n\(viewer) viewer watcher\n".write(toFile: "\(scratch)/tokens", atomically: true, encoding: .utf8)
        // The first cluster's workloads get ready after 3 s, so a deployment there is seen running.
        let emulators = try await [3, 0, 0].asyncMap { try await KubeEmulator.start(readyAfter: $0, scratch: scratch) }
        let provisioner = try await ServerProcess.provisioner(scratch: scratch)
        let server = try await ServerProcess.cloudServer(
            database: "\(scratch)/cloud.db",
            provisioners: [provisioner.baseURL],
            arguments: ["--api-token-file", "\(scratch)/tokens"]
        )
        defer {
            server.stop()
            provisioner.stop()
            for emulator in emulators { emulator.stop() }
        }
        var clusters: [Cluster] = []
        for (index, emulator) in emulators.enumerated() {
            let body = try WireJSON.encoder().encode(["Name": "edge-\(index + 1)", "Kubeconfig": emulator.kubeconfig])
            clusters.append(try await server.request("POST", "/api/clusters", body: body, token: admin).decode(Cluster.self))
        }
        // Over the other two, one at a time with a long soak: it stays unfinished for the buttons.
        let rollout: JSONValue = [
            "Service": "prometheus", "Chart": ["Version": "25.18.0"], "Clusters": [.string(clusters[1].id), .string(clusters[2].id)],
            "BatchSize": "1", "SoakSeconds": 600,
        ]
        let created = try await server.request("POST", "/api/rollouts", body: try WireJSON.encoder().encode(rollout), token: admin)
        #expect(created.status == 201, "\(created.text)")
        let rolloutID = try created.decode(RolloutPrinter.View.self).rollout.id

        let screenshots = "\(Testbed.repositoryRoot)/.build/ui-screenshots"
        try? FileManager.default.removeItem(atPath: screenshots)
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        let environment = [
            "CLOUD_URL": server.baseURL, "ADMIN_TOKEN": admin, "VIEWER_TOKEN": viewer, "CLUSTER_ID": clusters[0].id, "ROLLOUT_ID": rolloutID,
            "SCREENSHOTS": screenshots,
        ]
        let run = try await CommandRun.run(
            "/usr/bin/env",
            ["python3", "\(Testbed.repositoryRoot)/Tests/ui/dashboard_test.py"],
            environment: environment
        )
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr.suffix(3000))\ncloud server log:\n\(server.log.suffix(3000))")
    }
}

extension DashboardBrowserTests {
    @Test(
        "a failed cluster of a 1,000-cluster rollout is one click from the fleet page and from the rollout's page",
        .enabled("needs chromium, chromium-driver and selenium (make deps)") { await browserInstalled() }
    )
    func failedClusterOneClickAway() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let admin = "admin-\(ID.make())"
        try "\(admin) admin root\n".write(toFile: "\(scratch)/tokens", atomically: true, encoding: .utf8)
        let seeded = try await SeededRollout.write(clusters: 1000, failing: [417, 902], to: "\(scratch)/cloud.db")
        let server = try await ServerProcess.cloudServer(
            database: "\(scratch)/cloud.db",
            provisioners: ["http://127.0.0.1:9"],
            arguments: ["--api-token-file", "\(scratch)/tokens", "--drift-interval", "0"]
        )
        defer { server.stop() }
        // A directory of its own: the other browser test empties the shared one when it starts.
        let screenshots = "\(Testbed.repositoryRoot)/.build/ui-screenshots/fleet-scale"
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        let run = try await CommandRun.run(
            "/usr/bin/env",
            ["python3", "\(Testbed.repositoryRoot)/Tests/ui/fleet_scale_test.py"],
            environment: [
                "CLOUD_URL": server.baseURL, "ADMIN_TOKEN": admin, "ROLLOUT_ID": seeded.rolloutID,
                "FAILED_IDS": seeded.failed.joined(separator: ","), "SCREENSHOTS": screenshots,
            ]
        )
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr.suffix(3000))\ncloud server log:\n\(server.log.suffix(3000))")
    }
}
