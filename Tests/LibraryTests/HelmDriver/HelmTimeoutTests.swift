import Testing

@testable import HelmDriver

/// Helm's --timeout bounds each waiting phase (every hook Job, then the release's resources).
@Suite("Helm's --timeout")
struct HelmTimeoutTests {
    @Test("one phase gets the deadline less a margin of a fifth, between 5 and 15 seconds")
    func onePhase() {
        #expect(HelmTimeout.forHelm(remaining: .seconds(600), phases: 1) == .seconds(585))
        #expect(HelmTimeout.forHelm(remaining: .seconds(50), phases: 1) == .seconds(40))
        #expect(HelmTimeout.forHelm(remaining: .seconds(20), phases: 1) == .seconds(15))
    }

    @Test("a pre- and a post-upgrade hook Job share the deadline with the wait: each gets a third")
    func hooksShareTheDeadline() {
        #expect(HelmTimeout.forHelm(remaining: .seconds(600), phases: 3) == .seconds(195))
    }

    @Test("never below a second, however little time is left")
    func floor() {
        #expect(HelmTimeout.forHelm(remaining: .seconds(2), phases: 3) == .seconds(1))
    }
}
