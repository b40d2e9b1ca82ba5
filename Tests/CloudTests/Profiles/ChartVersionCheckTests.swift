import FleetAPI
import Synchronization
import Testing

@testable import cloud

/// A profile's chart versions checked against what the provisioners say they offer.
@Suite("Profile chart versions against the provisioners'")
struct ChartVersionCheckTests {
    static let document = """
        name: metrics
        selector: {matchLabels: {env: prod}}
        services:
          metrics-server:
            chartVersion: 3.12.1
            versionsByKubernetes:
              - {kubernetes: ">=1.31", chartVersion: 3.13.1}
              - {kubernetes: ">=1.30", chartVersion: 3.99.0}
        """

    /// Answers as provisioners offering `versions` (none: no provisioner can say); counts refreshes.
    final class Provisioners: Sendable {
        let versions: Mutex<[String]?>
        let refreshes = Mutex(0)
        /// Offered only once a refresh has read the source again.
        let published: [String]

        init(_ versions: [String]?, published: [String] = []) {
            self.versions = Mutex(versions)
            self.published = published
        }

        var check: ChartVersionCheck {
            ChartVersionCheck { service, refresh in
                if refresh { self.refreshes.withLock { $0 += 1 } }
                guard var offered = self.versions.withLock({ $0 }) else { return [] }
                if refresh { offered = self.published + offered }
                return [ChartVersions(service: service, chart: "metrics-server", source: "chart directory", versions: offered)]
            }
        }
    }

    func check(_ provisioners: Provisioners) async -> Profile.Invalid? {
        do {
            try await provisioners.check.check(try Profile(document: Self.document), document: Self.document)
            return nil
        } catch {
            return error
        }
    }

    @Test("a version no provisioner offers is refused, naming its field and line and what they have")
    func refused() async throws {
        let provisioners = Provisioners(["3.13.1", "3.12.1"])

        let refusal = await check(provisioners)

        #expect(refusal?.field == "services.metrics-server.versionsByKubernetes[1].chartVersion")
        #expect(refusal?.line == 8)
        #expect(refusal?.reason == "version 3.99.0 of chart metrics-server is offered by no provisioner (they have 3.13.1, 3.12.1)")
    }

    @Test("every version offered passes without asking the provisioners to read their source again")
    func offered() async throws {
        let provisioners = Provisioners(["3.99.0", "3.13.1", "3.12.1"])

        #expect(await check(provisioners) == nil)
        #expect(provisioners.refreshes.withLock { $0 } == 0)
    }

    @Test("a version published since the provisioners last read their source passes after one refresh")
    func publishedSince() async throws {
        let provisioners = Provisioners(["3.13.1", "3.12.1"], published: ["3.99.0"])

        #expect(await check(provisioners) == nil)
        #expect(provisioners.refreshes.withLock { $0 } == 1)
    }

    @Test("a chart from another repository (an OCI registry) is not held to what the provisioners' own sources offer")
    func otherRepository() async throws {
        let document = """
            name: metrics
            selector: {matchLabels: {env: prod}}
            services:
              metrics-server: {chartVersion: 9.9.9, chartRepository: 'oci://r.example/charts'}
            """
        let provisioners = Provisioners(["3.13.1"])

        try await provisioners.check.check(try Profile(document: document), document: document)

        #expect(provisioners.refreshes.withLock { $0 } == 0)
    }

    @Test("when no provisioner can say, the profile is not held up")
    func nobodyAnswers() async throws {
        #expect(await check(Provisioners(nil)) == nil)
    }
}
