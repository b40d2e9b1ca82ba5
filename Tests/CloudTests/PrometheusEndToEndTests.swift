import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// A real Prometheus (Debian's) scraping a cloud server and two provisioners every second, with the
/// shipped alert rules loaded, while a rollout runs: what an operator's Prometheus and Grafana see.
@Suite("Prometheus end to end", .serialized, .tags(.integration), .skippedInFastRuns)
struct PrometheusEndToEndTests {
    static let deploy = "\(Testbed.repositoryRoot)/deploy"

    /// Every query of the shipped Grafana dashboard.
    static func dashboardQueries() throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(deploy)/grafana/cloud-provisioner.json"))
        let dashboard = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let panels = dashboard["panels"] as? [[String: Any]] ?? []
        return panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
    }

    @Test("during a rollout a query sees the deployments' states change; the alert rules load; every dashboard query returns data")
    func scrapedDuringRollout() async throws {
        let started = Date()
        // Charts from their repository (no chart directory), so the chart cache has something to count.
        // Workloads ready after 4 s, one cluster a wave: deployments stay in flight across scrapes.
        let stack = try await LocalStack(.init(clusters: 3, readyAfter: 4, serverArguments: ["--drift-interval", "2s"], chartDirectory: nil))
        defer { stack.close() }
        let address = { (url: String) in String(url.dropFirst("http://".count)) }
        let prometheus = try await LocalPrometheus.start(
            scratch: stack.scratch,
            jobs: ["cloud": [address(stack.server.baseURL)], "provisioner": stack.provisioners.map { address($0.baseURL) }],
            ruleFiles: ["\(Self.deploy)/prometheus/alerts.yaml"]
        )
        defer { prometheus.stop() }
        for (index, emulator) in stack.emulators.enumerated() {
            let body: JSONValue = ["Name": .string("c\(index)"), "Kubeconfig": .string(emulator.kubeconfig)]
            let registered = try await stack.send("POST", "/api/clusters", body)
            #expect((200..<300).contains(registered.status), "\(registered.text)")
        }

        let scraping = await eventually(timeout: .seconds(30), every: .milliseconds(250)) {
            (try? await prometheus.query("sum(up)"))?.first?.values.last == 3
        }
        #expect(scraping, "Prometheus scrapes the cloud server and both provisioners")

        let body: JSONValue = ["Service": "prometheus", "Chart": ["Version": "25.18.0"], "All": true, "BatchSize": "1"]
        let created = try await stack.send("POST", "/api/rollouts", body)
        #expect(created.status == 201, "\(created.text)")
        let id = try created.decode(RolloutPrinter.View.self).rollout.id
        // What Prometheus says of the deployments not yet ended, while the rollout runs.
        var seenInFlight = false
        let ended = await eventually(timeout: .seconds(240), every: .milliseconds(500)) {
            let inFlight = (try? await prometheus.query("sum(max without (instance, job) (cloud_deployments))"))?.first?.values.last ?? 0
            if inFlight > 0 { seenInFlight = true }
            let rollout = try? await stack.send("GET", "/api/rollout/\(id)").decode(RolloutPrinter.View.self).rollout
            return rollout?.state.isFinal == true
        }
        #expect(ended, "the rollout ended")
        let succeeded = await eventually(timeout: .seconds(30), every: .milliseconds(500)) {
            let done = try? await prometheus.query(#"sum(cloud_deployments_ended_total{state="succeeded"})"#)
            let left = try? await prometheus.query("sum(max without (instance, job) (cloud_deployments))")
            return done?.first?.values.last == 3 && left?.first?.values.last == 0
        }
        #expect(seenInFlight, "a scrape saw deployments in flight")
        #expect(succeeded, "then all three ended succeeded, and none was left in flight")

        // A rate needs two scrapes of a counter: the drift monitor's checks, counted since.
        let checked = await eventually(timeout: .seconds(60), every: .seconds(1)) {
            (try? await prometheus.query("sum(rate(cloud_drift_checks_total[5m]))"))?.first?.values.last ?? 0 > 0
        }
        #expect(checked, "the drift monitor's checks are counted")
        let rules = try await prometheus.get("/api/v1/rules")
        #expect(String(decoding: rules.body, as: UTF8.self).contains("\"name\":\"RolloutHalted\""))
        for query in try Self.dashboardQueries() {
            let series = try await prometheus.queryRange(query, since: started)
            #expect(series.contains { !$0.values.isEmpty }, "no data for the dashboard's \(query)")
        }
    }
}
