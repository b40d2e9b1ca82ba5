import FleetAPI
import Foundation
import Testing

@testable import cloud

/// Which profile decides each (cluster, service), what it renders to, and the conflicts refused.
@Suite("Profile evaluation")
struct ProfileEvaluationTests {
    static func cluster(_ name: String, _ labels: [String: String], kubernetes: String? = "v1.30.1") -> ValuesTemplate.ClusterFacts {
        ValuesTemplate.ClusterFacts(id: "id-\(name)", name: name, labels: labels, kubernetesVersion: kubernetes, privateDomain: nil)
    }

    static func profile(_ name: String, env: String, priority: Int = 0, values: String = "{}") throws -> Profile {
        try Profile(
            document: """
                name: \(name)
                selector: {matchLabels: {env: \(env)}}
                services:
                  fluentbit: {chartVersion: 0.40.0, values: '\(values)'}
                priority: \(priority)
                """
        )
    }

    @Test("a matching profile renders each cluster's values; a render error fails that cluster only")
    func perCluster() throws {
        let logging = try Self.profile("logging", env: "prod", values: "{logLevel: \"{{cluster.labels.loglevel}}\"}")
        let debug = ProfileEvaluation.targets(for: Self.cluster("a", ["env": "prod", "loglevel": "debug"]), profiles: [logging])
        let lacking = ProfileEvaluation.targets(for: Self.cluster("b", ["env": "prod"]), profiles: [logging])
        let other = ProfileEvaluation.targets(for: Self.cluster("c", ["env": "dev"]), profiles: [logging])

        #expect(debug["fluentbit"]?.spec == DeploymentSpec(action: .apply, chart: ChartRequest(version: "0.40.0"), values: ["logLevel": "debug"]))
        #expect(lacking["fluentbit"]?.spec == nil)
        #expect(lacking["fluentbit"]?.failure == "values.logLevel: cluster.labels.loglevel is not set for cluster b")
        #expect(other.isEmpty)
    }

    @Test("a profile's chart repository and digest reach every cluster's deployment")
    func pinnedChart() throws {
        let digest = "sha256:" + String(repeating: "c", count: 64)
        let profile = try Profile(
            document: """
                name: pinned
                selector: {matchLabels: {env: prod}}
                services:
                  fluentbit: {chartVersion: 0.58.1, chartRepository: 'oci://r.example/charts', chartDigest: '\(digest)'}
                """
        )
        let targets = ProfileEvaluation.targets(for: Self.cluster("a", ["env": "prod"]), profiles: [profile])
        #expect(targets["fluentbit"]?.spec?.chart == ChartRequest(version: "0.58.1", repository: "oci://r.example/charts", digest: digest))
    }

    @Test("of two matching profiles the higher priority decides; at one priority applying the second is refused, naming the clusters")
    func priorities() throws {
        let clusters = [Self.cluster("a", ["env": "prod"]), Self.cluster("b", ["env": "prod"]), Self.cluster("c", ["env": "dev"])]
        let base = try Self.profile("base", env: "prod", values: "{tier: base}")
        let same = try Self.profile("same", env: "prod", values: "{tier: same}")
        let higher = try Self.profile("higher", env: "prod", priority: 10, values: "{tier: higher}")

        #expect(
            ProfileEvaluation.conflict(of: same, with: [base], clusters: clusters)
                == .init(profile: "base", services: ["fluentbit"], clusters: ["a", "b"])
        )
        #expect(ProfileEvaluation.conflict(of: higher, with: [base], clusters: clusters) == nil)
        #expect(ProfileEvaluation.targets(for: clusters[0], profiles: [base, higher])["fluentbit"]?.profile == "higher")
        #expect(ProfileEvaluation.targets(for: clusters[0], profiles: [base, higher])["fluentbit"]?.spec?.values == ["tier": "higher"])
    }
}
