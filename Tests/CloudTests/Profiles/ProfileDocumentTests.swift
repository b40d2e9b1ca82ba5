import FleetAPI
import Foundation
import Testing

@testable import cloud

/// Reading a profile document: the issue's example as written, and every bad profile refused with
/// the field (and its line) named.
@Suite("Profile documents")
struct ProfileDocumentTests {
    static let example = """
        name: prod-logging
        selector:
          matchLabels:
            env: prod
        services:
          fluentbit:
            chartVersion: 0.40.0
            values: |
              logLevel: "{{cluster.labels.loglevel}}"
        strategy:
          batchSize: 50%
        onLeave: remove
        """

    @Test("the example reads as written, defaults filled in")
    func example() throws {
        let profile = try Profile(document: Self.example, services: ["fluentbit", "nginx"])
        #expect(profile.name == "prod-logging")
        #expect(profile.selector == LabelSelector(matchLabels: ["env": "prod"]))
        #expect(profile.services["fluentbit"]?.chartVersion == "0.40.0")
        #expect(profile.services["fluentbit"]?.values?.values == ["logLevel": "{{cluster.labels.loglevel}}"])
        #expect(profile.strategy.batchSize == "50%" && profile.strategy.maxFailures == "0")
        #expect(profile.onLeave == .remove && profile.newClusters == .immediate && profile.priority == 0 && profile.window == nil)
    }

    @Test("a chart from another repository, pinned by digest, reads as written")
    func pinnedChart() throws {
        let digest = "sha256:" + String(repeating: "b", count: 64)
        let text =
            "name: x\nservices:\n  fluentbit:\n    chartVersion: 0.58.1\n    chartRepository: oci://r.example/charts\n    chartDigest: \(digest)\n"
        let service = try #require(try Profile(document: text, services: ["fluentbit"]).services["fluentbit"])
        #expect(service.chartRepository == "oci://r.example/charts" && service.chartDigest == digest)
    }

    @Test("JSON with the same keys reads the same")
    func json() throws {
        let json = """
            {"name": "prod-logging", "selector": {"matchLabels": {"env": "prod"}},
             "services": {"fluentbit": {"chartVersion": "0.40.0", "values": {"logLevel": "{{cluster.labels.loglevel}}"}}},
             "strategy": {"batchSize": "50%"}, "onLeave": "remove"}
            """
        #expect(try Profile(document: json) == Profile(document: Self.example))
    }

    @Test(
        "a bad profile is refused naming the field and its line",
        arguments: [
            ("name: x\nservices: {fluentbit: {chartVersion: 1.0.0}}\nextra: 1\n", "extra", 3),
            ("name: x\nservices:\n  fluentbit:\n    chartVersion: 1.0.0\n    valuez: {}\n", "services.fluentbit.valuez", 5),
            ("name: x\nservices:\n  kafka:\n    chartVersion: 1.0.0\n", "services.kafka", 3),
            (
                "name: x\nselector:\n  matchExpressions:\n  - {key: env, operator: Near, values: [a]}\nservices: {fluentbit: {chartVersion: 1.0.0}}\n",
                "selector.matchExpressions[0].operator", 4
            ),
            (
                "name: x\nselector:\n  matchExpressions:\n  - {key: env, operator: In}\nservices: {fluentbit: {chartVersion: 1.0.0}}\n",
                "selector.matchExpressions[0].values", 4
            ),
            ("name: x\nservices:\n  fluentbit:\n    chartVersion: 1.0.0\n    values: |\n      a: \"{{#cluster}\"\n", "services.fluentbit.values", 5),
            ("name: x\nservices:\n  fluentbit:\n    chartVersion: one\n", "services.fluentbit.chartVersion", 4),
            (
                "name: x\nservices:\n  fluentbit: {chartVersion: 1.0.0, dependsOn: [nginx]}\n  nginx: {chartVersion: 1.0.0, dependsOn: [fluentbit]}\n",
                "services.fluentbit.dependsOn", 3
            ),
            (
                "name: x\nservices: {fluentbit: {versionsByKubernetes: [{kubernetes: '>=one', chartVersion: 1.0.0}]}}\n",
                "services.fluentbit.versionsByKubernetes[0].kubernetes", 2
            ),
            ("name: x\nservices: {fluentbit: {chartVersion: 1.0.0}}\nwindow: {days: [Caturday]}\n", "window.days", 3),
            ("name: x\nservices: {fluentbit: {chartVersion: 1.0.0}}\nwindow: {timeZone: Mars/Olympus}\n", "window.timeZone", 3),
            ("name: x\nservices: {fluentbit: {chartVersion: 1.0.0}}\nonLeave: forget\n", "onLeave", 3),
            ("name: Bad_Name\nservices: {fluentbit: {chartVersion: 1.0.0}}\n", "name", 1),
            ("name: x\nservices: {fluentbit: {chartVersion: 1.0.0}}\nstrategy: {batchSize: half}\n", "strategy.batchSize", 3),
            ("name: x\nservices:\n  fluentbit:\n    chartVersion: 1.0.0\n    chartRepository: ftp://x\n", "services.fluentbit.chartRepository", 5),
            (
                "name: x\nservices:\n  fluentbit:\n    chartVersion: 1.0.0\n    chartRepository: oci://r.example/c\n    chartDigest: sha256:12\n",
                "services.fluentbit.chartDigest", 6
            ),
            (
                "name: x\nservices:\n  fluentbit:\n    chartRepository: oci://r.example/c\n    chartDigest: sha256:\(String(repeating: "a", count: 64))\n"
                    + "    versionsByKubernetes: [{kubernetes: '>=1.30', chartVersion: 1.0.0}]\n",
                "services.fluentbit.chartDigest", 5
            ),
        ] as [(String, String, Int)]
    )
    func refused(_ text: String, _ field: String, _ line: Int) {
        let error = #expect(throws: Profile.Invalid.self) { try Profile(document: text, services: ["fluentbit", "nginx"]) }
        #expect(error?.field == field, "\(error?.description ?? "")")
        #expect(error?.line == line, "\(error?.description ?? "")")
    }
}
