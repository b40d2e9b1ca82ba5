import Foundation
import Testing

@testable import FleetAPI
@testable import HelmDriver

/// How a planned manifest is compared with the deployed one: objects by kind, namespace and name,
/// a unified diff per changed object, Secret values never shown.
@Suite("Release plan")
struct ReleasePlanTests {
    static let deployed = """
        ---
        # Source: prometheus/templates/service.yaml
        apiVersion: v1
        kind: Service
        metadata:
          name: prometheus-server
        spec:
          ports:
            - port: 80
        ---
        # Source: prometheus/templates/deployment.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: prometheus-server
        spec:
          replicas: 1
          template:
            spec:
              containers:
                - name: server
                  args: ["--storage.tsdb.retention.time=15d"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: prometheus-server
        rules: []
        """

    func plan(_ planned: String, chart: String = "prometheus-25.18.0", valuesChanged: Bool = false) throws -> ReleasePlan {
        ReleasePlan(
            current: try ManifestObjects(manifest: Self.deployed, namespace: "prometheus"),
            planned: try ManifestObjects(manifest: planned, namespace: "prometheus"),
            currentChart: "prometheus-25.18.0",
            plannedChart: chart,
            valuesChanged: valuesChanged
        )
    }

    @Test("the same manifest, rendered again, plans no change")
    func unchanged() throws {
        let same = try plan(Self.deployed.replacingOccurrences(of: "# Source: prometheus/templates/service.yaml\n", with: ""))
        #expect(!same.hasChanges)
        #expect(same.objects.isEmpty)
    }

    @Test("a changed value shows as one changed object with a unified diff of that line")
    func changedObject() throws {
        let planned = try plan(Self.deployed.replacingOccurrences(of: "15d", with: "30d"), valuesChanged: true)
        #expect((planned.added, planned.changed, planned.removed) == (0, 1, 0))
        #expect(planned.valuesChanged && !planned.chartChanged)
        let change = try #require(planned.objects.first)
        #expect(change.object == "Deployment/prometheus/prometheus-server" && change.change == .changed)
        #expect(change.diff.contains("-spec.template.spec.containers[0].args[0]: \"--storage.tsdb.retention.time=15d\""))
        #expect(change.diff.contains("+spec.template.spec.containers[0].args[0]: \"--storage.tsdb.retention.time=30d\""))
        #expect(change.diff.hasPrefix("@@ -"))
    }

    @Test("objects only planned are added, objects only deployed are removed; cluster-scoped ones have no namespace")
    func addedAndRemoved() throws {
        let planned = try plan(
            Self.deployed.replacingOccurrences(of: "kind: ClusterRole", with: "kind: ConfigMap"),
            chart: "prometheus-25.19.0"
        )
        #expect((planned.added, planned.changed, planned.removed) == (1, 0, 1))
        #expect(planned.objects.map(\.object) == ["ClusterRole/prometheus-server", "ConfigMap/prometheus/prometheus-server"])
        #expect(planned.chartChanged && planned.currentChart == "prometheus-25.18.0" && planned.plannedChart == "prometheus-25.19.0")
    }

    @Test("a Secret's values are digests: a change shows, the value never does")
    func secretRedacted() throws {
        let secret = { (value: String) in
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: \(value)\n"
        }
        let plan = ReleasePlan(
            current: try ManifestObjects(manifest: secret("hunter2"), namespace: "ns"),
            planned: try ManifestObjects(manifest: secret("correct-horse"), namespace: "ns"),
            currentChart: "c-1",
            plannedChart: "c-1",
            valuesChanged: true
        )
        let diff = try #require(plan.objects.first?.diff)
        #expect(plan.changed == 1)
        #expect(!diff.contains("hunter2") && !diff.contains("correct-horse"))
        #expect(diff.contains("stringData.password: \"(redacted, sha256 "))
    }

    @Test("a unified diff keeps three lines of context and splits distant changes into hunks")
    func hunks() {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n")
        let new = old.replacingOccurrences(of: "line 2\n", with: "line two\n").replacingOccurrences(of: "line 18\n", with: "")
        let diff = LineDiff.unified(old, new)
        #expect(
            diff == """
                @@ -1,5 +1,5 @@
                 line 1
                -line 2
                +line two
                 line 3
                 line 4
                 line 5
                @@ -15,6 +15,5 @@
                 line 15
                 line 16
                 line 17
                -line 18
                 line 19
                 line 20

                """
        )
        #expect(LineDiff.unified(old, old).isEmpty)
    }
}
