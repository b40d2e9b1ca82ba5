import FleetAPI
import Foundation
import Testing

@testable import cloud

/// Which clusters a profile takes, which chart version each gets, and what its values render to.
@Suite("Profile matching and rendering")
struct ProfileMatchingTests {
    static let labels = ["env": "prod", "tier": "web", "canary": ""]

    @Test(
        "selectors match as Kubernetes label selectors do",
        arguments: [
            (LabelSelector(), true),
            (LabelSelector(matchLabels: ["env": "prod"]), true),
            (LabelSelector(matchLabels: ["env": "dev"]), false),
            (LabelSelector(matchExpressions: [.init(key: "tier", operator: .in, values: ["web", "api"])]), true),
            (LabelSelector(matchExpressions: [.init(key: "zone", operator: .in, values: ["a"])]), false),
            (LabelSelector(matchExpressions: [.init(key: "tier", operator: .notIn, values: ["web"])]), false),
            (LabelSelector(matchExpressions: [.init(key: "zone", operator: .notIn, values: ["a"])]), true),
            (LabelSelector(matchExpressions: [.init(key: "canary", operator: .exists, values: [])]), true),
            (LabelSelector(matchExpressions: [.init(key: "canary", operator: .doesNotExist, values: [])]), false),
            (LabelSelector(matchLabels: ["env": "prod"], matchExpressions: [.init(key: "zone", operator: .exists, values: [])]), false),
        ]
    )
    func selectors(_ selector: LabelSelector, _ matches: Bool) {
        #expect(selector.matches(Self.labels) == matches)
    }

    @Test("labels read as KEY=VALUE, a bare one as its key with an empty value")
    func labelMap() {
        let cluster = Cluster(id: "c1", name: "edge", dns: nil, labels: ["env=prod", "a=b=c", "legacy"], utilities: UtilityMetadata(), createAt: 0)
        #expect(cluster.labelMap == ["env": "prod", "a": "b=c", "legacy": ""])
    }

    /// The expectations follow Masterminds/semver v3's constraint functions (constraintGreaterThan,
    /// constraintLessThan, constraintNotEqual, tilde and caret), which Helm and Sveltos use.
    @Test(
        "Kubernetes version ranges, vendor suffixes dropped",
        arguments: [
            (">=1.30", "v1.30.2-eks-a1b2c3", true), (">=1.30", "v1.29.9", false), ("<1.29", "1.28.15", true), ("<1.29", "1.29.0", false),
            (">=1.28, <1.30", "1.29.3", true), (">=1.28 <1.30", "1.30.0", false), ("1.29.x", "1.29.7", true), ("1.29", "1.30.0", false),
            ("~1.29.2", "1.29.5", true), ("~1.29.2", "1.30.0", false), ("^1.29", "1.31.0", true), (">1.29", "1.29.9", false),
            (">1.29", "1.30.0", true), ("<=1.29", "1.29.9", true), ("!=1.29.3", "1.29.3", false), ("<1.27 || >=1.31", "1.31.1+k3s1", true),
            ("!=1.29", "1.29.5", false), ("!=1.29", "1.30.0", true), ("!=1.29.3", "1.29.4", true),
        ]
    )
    func ranges(_ range: String, _ version: String, _ contains: Bool) throws {
        #expect(try VersionRange(range).contains(#require(SemanticVersion(lenient: version))) == contains)
    }

    @Test("the first version range holding the cluster's Kubernetes version picks the chart version; none: chartVersion")
    func chartByKubernetes() throws {
        let profile = try Profile(
            document: """
                name: metrics
                services:
                  metrics-server:
                    chartVersion: 3.12.1
                    versionsByKubernetes:
                    - {kubernetes: ">=1.30", chartVersion: 3.13.1}
                    - {kubernetes: ">=1.28", chartVersion: 3.12.2}
                """
        )
        let service = try #require(profile.services["metrics-server"])
        #expect(profile.chartVersion(of: service, kubernetes: SemanticVersion(lenient: "v1.31.0-eks-1")) == "3.13.1")
        #expect(profile.chartVersion(of: service, kubernetes: SemanticVersion(lenient: "1.29.4")) == "3.12.2")
        #expect(profile.chartVersion(of: service, kubernetes: SemanticVersion(lenient: "1.27.0")) == "3.12.1")
        #expect(profile.chartVersion(of: service, kubernetes: nil) == "3.12.1")
    }

    static let cluster = ValuesTemplate.ClusterFacts(
        id: "c1",
        name: "edge-1",
        labels: ["loglevel": "debug", "evil": "x\n  injected: true"],
        kubernetesVersion: "v1.30.2",
        privateDomain: nil
    )

    @Test("each string leaf renders on its own, as plain text: a label cannot add structure or be escaped")
    func rendering() throws {
        let template = try ValuesTemplate([
            "logLevel": "{{cluster.labels.loglevel}}", "name": "{{cluster.name}} <{{cluster.id}}>",
            "list": ["{{cluster.kubernetesVersion}}", 3], "evil": "{{cluster.labels.evil}}",
        ])
        let rendered = try template.render(for: Self.cluster)
        #expect(
            rendered == [
                "logLevel": "debug", "name": "edge-1 <c1>", "list": ["v1.30.2", 3], "evil": .string("x\n  injected: true"),
            ]
        )
    }

    @Test("a variable the cluster lacks fails that cluster, naming the variable and where it is used")
    func missingVariable() throws {
        let template = try ValuesTemplate(["zone": ["name": "{{cluster.labels.zone}}"], "domain": "{{cluster.privateDomain}}"])
        let error = #expect(throws: ValuesTemplate.Failure.self) { try template.render(for: Self.cluster) }
        #expect(
            [
                "values.zone.name: cluster.labels.zone is not set for cluster edge-1",
                "values.domain: cluster.privateDomain is not set for cluster edge-1",
            ]
            .contains(error?.description ?? ""),
            "\(error?.description ?? "")"
        )
    }
}
