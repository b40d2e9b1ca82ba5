import Testing

@testable import FleetAPI
@testable import ServerSupport

@Suite("Listen addresses without tokens")
struct ListenAddressExposureTests {
    @Test("loopback addresses are served without tokens", arguments: ["127.0.0.1:8075", "127.0.0.2:0", "localhost:1", "[::1]:8076"])
    func loopbackAllowed(_ text: String) throws {
        let address = try #require(ListenAddress(text))
        #expect(address.isLoopback)
        #expect(address.refusalWithoutTokens(tokenFlag: "--api-token-file", insecureNoAuth: false) == nil)
    }

    @Test(
        "any other address is refused without tokens in one line naming the way out",
        arguments: [":8075", "0.0.0.0:8076", "[::]:1", "10.0.0.5:80", "example.com:80", "127.0.0.1.evil:80"]
    )
    func othersRefused(_ text: String) throws {
        let address = try #require(ListenAddress(text))
        #expect(!address.isLoopback)
        let refusal = try #require(address.refusalWithoutTokens(tokenFlag: "--auth-token-file", insecureNoAuth: false))
        #expect(refusal.contains("--auth-token-file") && refusal.contains("--insecure-no-auth") && !refusal.contains("\n"))
        #expect(address.refusalWithoutTokens(tokenFlag: "--auth-token-file", insecureNoAuth: true) == nil)
    }
}

@Suite("Loopback hosts")
struct LoopbackTests {
    @Test("a URL's bracketed IPv6 host and a listen address's bare one are the same loopback host")
    func brackets() {
        #expect(Loopback.contains("[::1]") && Loopback.contains("::1") && Loopback.contains("LOCALHOST"))
        #expect(!Loopback.contains("[::]") && !Loopback.contains("127.0.0.1.evil"))
    }
}
