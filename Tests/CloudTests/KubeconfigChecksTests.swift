import FleetAPI
import TestSupport
import Testing

@testable import cloud

/// The dispatch's kubeconfig check, remembered: a text that passed passes again without being
/// parsed, one the policy refuses is refused every time, and the cache stays bounded.
@Suite("Kubeconfig checks at dispatch")
struct KubeconfigChecksTests {
    @Test("a refused kubeconfig is refused every time; one that passed keeps passing")
    func refusalsAreNeverRemembered() throws {
        let checks = KubeconfigChecks(policy: .dataOnly)
        let exec = KubeconfigSamples.make(user: [KubeconfigSamples.execPlugin])
        for _ in 0..<3 {
            #expect(throws: Kubeconfig.Invalid.self) { try checks.check(exec) }
            try checks.check(KubeconfigSamples.make())
        }
        let allowing = KubeconfigChecks(policy: KubeconfigPolicy(allowExec: true))
        try allowing.check(exec)
    }

    @Test("past its limit it starts again, and still checks")
    func bounded() throws {
        let checks = KubeconfigChecks(policy: .dataOnly, limit: 2)
        for index in 0..<5 { try checks.check(KubeconfigSamples.make(server: "https://10.0.0.\(index):6443")) }
        #expect(throws: Kubeconfig.Invalid.self) { try checks.check("not: a kubeconfig") }
    }
}
