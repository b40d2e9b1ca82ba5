import FleetAPI
import Logging
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// A rollout's `Analysis` through the API: each mistake refused with 400 naming the field, before
/// anything is written; what is accepted is kept in the strategy with its defaults.
@Suite("Rollout analysis API")
struct RolloutAnalysisRoutesTests {
    let routes: RolloutRoutesTests

    init() async throws {
        routes = try await RolloutRoutesTests()
    }

    static func analysis(_ changes: [String: JSONValue] = [:], check: [String: JSONValue] = [:]) -> JSONValue {
        var checkBody: [String: JSONValue] = ["Name": "errors", "Query": #"max(app_error_ratio{cluster="{{cluster.name}}"})"#, "Max": 1]
        checkBody.merge(check) { $1 }
        let body: [String: JSONValue] = ["Prometheus": ["URL": "http://10.1.2.3:9090"], "Checks": [.object(checkBody)]]
        return .object(body.merging(changes) { $1 })
    }

    @Test(
        "a bad analysis is refused with 400 naming the field",
        arguments: [
            (analysis(["Checks": []]), "Analysis.Checks"),
            (analysis(check: ["Max": .null]), "Analysis.Checks[0].Max"),
            (analysis(check: ["Name": "no spaces"]), "Analysis.Checks[0].Name"),
            (analysis(check: ["Query": "{{cluster.name"]), "Analysis.Checks[0].Query"),
            (analysis(check: ["Query": "up{region=\"{{cluster.labels.region}}\"}"]), "Analysis.Checks[0].Query"),
            (analysis(check: ["Min": 2]), "Analysis.Checks[0].Min"),
            (analysis(check: ["CompareToBaseline": ["MaxIncrease": 1, "MaxIncreaseRatio": 1]]), "Analysis.Checks[0].CompareToBaseline"),
            (analysis(["Interval": "soon"]), "Analysis.Interval"),
            (analysis(["Interval": "10s", "Duration": "5s"]), "Analysis.Duration"),
            (analysis(["FailureLimit": 0]), "Analysis.FailureLimit"),
            (analysis(["OnFailure": "panic"]), "Analysis.OnFailure"),
            (analysis(["Prometheus": ["BearerToken": "ops"]]), "Analysis.Prometheus.BearerToken"),
            (analysis(["Prometheus": [:]]), "Analysis.Prometheus.URL"),
            (analysis(["Prometheus": ["URL": "http://127.0.0.1:9090"]]), "Analysis.Prometheus.URL"),
            (analysis(["Prometheus": ["URL": "http://169.254.169.254/latest"]]), "Analysis.Prometheus.URL"),
            (analysis(["Prometheus": ["URL": "file:///etc/passwd"]]), "Analysis.Prometheus.URL"),
            (analysis(["Prometheus": ["URL": "http://admin:secret@10.1.2.3"]]), "Analysis.Prometheus.URL"),
            (analysis(["Checks": "errors"]), "Analysis.Checks"),
        ] as [(JSONValue, String)]
    )
    func badAnalysis(_ analysis: JSONValue, field: String) async throws {
        _ = try await routes.register(2)
        let reply = try await routes.create(routes.body(["Analysis": analysis]))
        #expect(reply.status == 400, "\(reply.text)")
        #expect(reply.error?.field == field, "\(reply.text)")
        #expect(try await routes.store.rollouts(state: nil, page: 0, perPage: 10).isEmpty)
    }

    @Test("an accepted analysis is kept in the strategy with its defaults; a Prometheus that does not answer is no reason to refuse")
    func acceptedWithDefaults() async throws {
        let policy = try AddressPolicy.metricsSources.allowing(flagValues: ["127.0.0.0/8"], flag: "--allowed-metrics-source")
        let routes = try await RolloutRoutesTests(analysis: .init(policy: policy))
        _ = try await routes.register(2)
        let closed = "http://127.0.0.1:\(Testbed.freePort())"
        let reply = try await routes.create(routes.body(["Analysis": Self.analysis(["Prometheus": ["URL": .string(closed)]])]))
        #expect(reply.status == 201, "\(reply.text)")
        let analysis = try #require(try reply.decode(RolloutPrinter.View.self).rollout.strategy.analysis)
        #expect(analysis.intervalSeconds == 30 && analysis.durationSeconds == 300 && analysis.rounds == 10)
        #expect(analysis.failureLimit == 1 && analysis.inconclusiveLimit == 3 && analysis.onFailure == .halt)
        #expect(analysis.checks.first?.name == "errors")
    }
}
