import Foundation
import TestSupport
import Testing

@testable import cloud

/// How `--provisioner` URLs become instances.
@Suite("Provisioner resolver")
struct ProvisionerResolverTests {
    @Test("an address in the URL is one instance, keyed by the URL itself")
    func addressIsOneInstance() {
        let instances = ProvisionerResolver().instances(of: "http://127.0.0.1:8076")
        #expect(instances == [.init(key: "http://127.0.0.1:8076", url: "http://127.0.0.1:8076", address: nil)])
    }

    @Test("a name is one instance per address it resolves to, keyed by address, sent to the name")
    func nameIsOneInstancePerAddress() throws {
        let hosts = try Testbed.makeScratchDirectory() + "/hosts"
        try "127.0.0.3 provisioners.test\n# comment\n127.0.0.2 provisioners.test other\n".write(toFile: hosts, atomically: true, encoding: .utf8)

        let instances = try #require(ProvisionerResolver(hostsFile: hosts).instances(of: "https://provisioners.test:8076"))

        #expect(instances.map(\.key) == ["https://127.0.0.2:8076", "https://127.0.0.3:8076"])
        #expect(instances.allSatisfy { $0.url == "https://provisioners.test:8076" })
        #expect(instances.map(\.address) == ["127.0.0.2", "127.0.0.3"])
    }

    @Test("a name that does not resolve gives nil, so the pool keeps what it had")
    func unresolvableName() {
        #expect(ProvisionerResolver().instances(of: "http://no-such-host.invalid:8076") == nil)
    }

    @Test("names resolve through the system resolver too, one address family only")
    func systemResolver() throws {
        let instances = try #require(ProvisionerResolver().instances(of: "http://localhost:8076"))
        #expect(instances.map(\.key) == ["http://127.0.0.1:8076"])
    }

    @Test("an instance's last check is the pool's clock's time, answered or not")
    func lastCheckFollowsTheClock() async {
        let clock = ManualClock(millisecondsSince1970: 1_800_000_000_000)
        // Port 1 on loopback refuses at once: the check ends, not ready.
        let pool = ProvisionerPool(urls: ["http://127.0.0.1:1"], clock: clock)
        await pool.refresh()
        #expect(pool.instances(inFlight: [:]).map(\.lastCheckAt) == [1_800_000_000_000])
        #expect(pool.instances(inFlight: [:]).map(\.healthy) == [false])
    }
}
