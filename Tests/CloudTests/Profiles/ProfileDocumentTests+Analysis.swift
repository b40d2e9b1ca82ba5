import FleetAPI
import Foundation
import Testing

@testable import cloud

extension ProfileDocumentTests {
    static let withAnalysis = """
        name: edge
        services:
          nginx: {chartVersion: 4.15.1}
        strategy:
          canary: 1
          analysis:
            prometheus: {url: "http://prometheus.{{cluster.privateDomain}}:9090"}
            checks:
              - {name: errors, query: 'max(app_error_ratio{cluster="{{cluster.name}}"})', max: 0.05}
            interval: 10s
            onFailure: undo
        """

    @Test("a profile's strategy takes an analysis as rollout create --analysis does, and its rollouts carry it")
    func strategyAnalysis() throws {
        let profile = try Profile(document: Self.withAnalysis, services: ["nginx"])
        let analysis = try #require(try profile.strategy.rolloutStrategy(service: "nginx").analysis)
        #expect(analysis.checks.map(\.name) == ["errors"] && analysis.intervalSeconds == 10 && analysis.onFailure == .undo)
    }

    @Test("a bad analysis in a profile is refused naming strategy.analysis and its line")
    func strategyAnalysisRefused() {
        let text = Self.withAnalysis.replacingOccurrences(of: "onFailure: undo", with: "onFailure: panic")
        let error = #expect(throws: Profile.Invalid.self) { try Profile(document: text, services: ["nginx"]) }
        #expect(error?.field == "strategy.analysis" && error?.line == 7, "\(error?.description ?? "")")
        #expect(error?.reason.contains("Analysis.OnFailure must be halt or undo") == true)
    }
}
