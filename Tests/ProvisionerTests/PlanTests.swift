import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// The plan action: what an apply would change, from a server-side dry run against the release's
/// stored manifest; the cluster is left as it was.
@Suite("Plan a release", .serialized, .tags(.integration), .skippedInFastRuns)
struct PlanTests {
    func plan(_ harness: DeployHarness, version: String = "25.18.0", values: JSONValue? = nil) async throws -> ReleasePlan {
        var request = harness.request("prometheus", .plan, version: version, values: values)
        request.action = .plan
        let result = await harness.deploy(request)
        #expect(result.outcome == .succeeded, "\(result.outcome)")
        return try #require(result.details.plan)
    }

    @Test("a plan before the first install adds every object and changes nothing on the cluster")
    func firstInstall() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let plan = try await plan(harness)
        #expect(plan.added >= 5 && plan.changed == 0 && plan.removed == 0)
        #expect(plan.currentChart == nil && plan.plannedChart == "prometheus-25.18.0" && plan.chartChanged)
        #expect(plan.objects.contains { $0.object == "Deployment/prometheus/prometheus-server" && $0.change == .added })
        #expect(try await harness.history(harness.release(of: "prometheus")).isEmpty)
    }

    @Test("a plan of what is deployed reports no change")
    func unchanged() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        #expect(await harness.deploy(harness.request("prometheus", version: "25.18.0")).outcome == .succeeded)
        let plan = try await plan(harness)
        #expect(!plan.hasChanges, "\(plan.objects.map(\.object))")
    }

    @Test("a values change and a chart upgrade report the objects they change, and nothing is stored")
    func valuesAndChart() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        #expect(await harness.deploy(harness.request("prometheus", version: "25.18.0")).outcome == .succeeded)

        let values = try await plan(harness, values: ["server": ["retention": "30d"]])
        #expect(values.valuesChanged && !values.chartChanged)
        #expect(values.objects.map(\.object) == ["Deployment/prometheus/prometheus-server"])
        #expect(values.objects.first?.diff.contains("+spec.template.spec.containers[1].args") == true)

        let upgrade = try await plan(harness, version: "25.19.0")
        #expect(upgrade.chartChanged && upgrade.currentChart == "prometheus-25.18.0" && upgrade.plannedChart == "prometheus-25.19.0")
        #expect(upgrade.changed > 0 && upgrade.added == 0 && upgrade.removed == 0)
        #expect(upgrade.objects.contains { $0.object == "Deployment/prometheus/prometheus-server" && $0.diff.contains("v2.51.1") })
        #expect(try await harness.history(harness.release(of: "prometheus")).map(\.revision) == [1])
    }
}
