import FleetAPI
import Foundation
import TestSupport
import Testing

/// What a kubeconfig's server or a webhook may reach: the refused classes in every spelling,
/// private ranges by policy, and the allowed list that alone reaches a refused class by naming it.
@Suite("Address policy")
struct AddressPolicyTests {
    static func target(_ url: String) throws -> URLTarget { try URLTarget(parsing: url) }

    @Test(
        "the metadata address is refused in every spelling",
        arguments: [
            "http://169.254.169.254/", "http://2852039166/", "http://0xa9fea9fe/", "http://0xa9.0xfe.0xa9.0xfe/",
            "http://0251.0376.0251.0376/", "http://169.254.43518/", "http://169.16689662/", "http://169.254.169.254./",
            "http://[::ffff:a9fe:a9fe]/", "http://[::ffff:169.254.169.254]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[::a9fe:a9fe]/",
            "http://[2002:a9fe:a9fe::1]/", "http://[fd00:ec2::254]/", "http://[FD00:EC2:0:0:0:0:0:254]:80/", "http://169.254.170.2/",
            "http://169.254.170.23/", "http://[fd00:ec2::23]/", "https://user:pw@169.254.169.254:443/latest",
        ]
    )
    func metadataRefused(_ url: String) throws {
        let target = try Self.target(url)
        #expect(target.address?.addressClass == .metadata)
        for policy in [AddressPolicy.apiServers, .webhooks] {
            #expect(throws: AddressPolicy.Refusal.self) { try policy.check(target) }
        }
    }

    @Test(
        "loopback, link-local, unspecified, multicast and reserved addresses are refused by default",
        arguments: [
            ("http://127.0.0.1:8080/", AddressClass.loopback), ("http://127.1/", .loopback), ("http://0x7f000001/", .loopback),
            ("http://[::1]/", .loopback), ("http://localhost:6443/", .loopback), ("http://api.localhost/", .loopback),
            ("http://169.254.1.1/", .linkLocal), ("http://[fe80::1]/", .linkLocal), ("http://0.0.0.0/", .unspecified),
            ("http://0/", .unspecified), ("http://[::]/", .unspecified), ("http://224.0.0.1/", .multicast), ("http://[ff02::1]/", .multicast),
            ("http://255.255.255.255/", .reserved),
        ]
    )
    func refusedByDefault(_ url: String, _ addressClass: AddressClass) throws {
        let target = try Self.target(url)
        if !target.isLocalhostName { #expect(target.address?.addressClass == addressClass) }
        #expect {
            try AddressPolicy.apiServers.check(target)
        } throws: { error in
            (error as? AddressPolicy.Refusal)?.description.contains(addressClass.description) == true
        }
    }

    @Test(
        "private ranges are allowed for API servers and refused for webhooks",
        arguments: ["https://10.0.0.5:443", "https://172.16.0.1", "https://192.168.1.1", "https://100.64.0.1", "https://[fd12:3456::1]"]
    )
    func privateRanges(_ url: String) throws {
        let target = try Self.target(url)
        #expect(target.address?.addressClass == .private)
        try AddressPolicy.apiServers.check(target)
        #expect(throws: AddressPolicy.Refusal.self) { try AddressPolicy.webhooks.check(target) }
    }

    @Test("public addresses and names pass the check made before resolving")
    func publicPasses() throws {
        for url in ["https://203.0.113.10:6443", "https://[2001:db8::1]/", "https://ABCD.gr7.us-east-1.eks.amazonaws.com"] {
            try AddressPolicy.apiServers.check(try Self.target(url))
            try AddressPolicy.webhooks.check(try Self.target(url))
        }
    }

    @Test(
        "hosts no parser agrees on are refused as written",
        arguments: ["http://%31%36%39.254.169.254/", "http://169.254.169.254\\@example.com/", "http://[fe80::1%25eth0]/", "http://a b/", "http:///x"]
    )
    func oddHostsRefused(_ url: String) {
        #expect(throws: URLTarget.Invalid.self) { try URLTarget(parsing: url) }
    }

    @Test("only an allowed range lying inside a refused class reaches it")
    func rangesNameClasses() throws {
        let loopback = try Self.target("http://127.0.0.1:8080")
        let metadata = try Self.target("http://169.254.169.254")
        func policy(_ patterns: String...) throws -> AddressPolicy {
            AddressPolicy.apiServers.allowing(try patterns.map { try AddressPattern(parsing: $0) })
        }
        try policy("127.0.0.0/8").check(loopback)
        try policy("127.0.0.1").check(loopback)
        #expect(throws: AddressPolicy.Refusal.self) { try policy("0.0.0.0/0").check(loopback) }
        #expect(throws: AddressPolicy.Refusal.self) { try policy("localhost").check(try Self.target("http://localhost:1")) }
        #expect(throws: AddressPolicy.Refusal.self) { try policy("169.254.0.0/16").check(metadata) }
        try policy("169.254.169.254/32").check(metadata)
        #expect(throws: AddressPolicy.Refusal.self) { try policy("127.0.0.0/8").check(try Self.target("https://203.0.113.10")) }
        try policy("*.eks.amazonaws.com").check(try Self.target("https://abcd.gr7.us-east-1.eks.amazonaws.com"))
        #expect(throws: AddressPolicy.Refusal.self) { try policy("*.eks.amazonaws.com").check(try Self.target("https://evil.example.com")) }
    }

    @Test("a name is checked again on the address it resolves to, where a host pattern cannot reach a refused class")
    func resolvedAddressChecked() throws {
        let name = try Self.target("https://kube.example.com")
        let patterns = try ["kube.example.com"].map { try AddressPattern(parsing: $0) }
        try AddressPolicy.apiServers.check(name)
        #expect(throws: AddressPolicy.Refusal.self) { try AddressPolicy.apiServers.check(name, resolvedTo: .v4(0x7f00_0001)) }
        #expect(throws: AddressPolicy.Refusal.self) {
            try AddressPolicy.apiServers.allowing(patterns).check(name, resolvedTo: .v4(0xa9fe_a9fe))
        }
        try AddressPolicy.apiServers.allowing(patterns).check(name, resolvedTo: .v4(0x0a00_0001))
        #expect(throws: AddressPolicy.Refusal.self) { try AddressPolicy.webhooks.allowing(patterns).check(name, resolvedTo: .v4(0x0a00_0001)) }
    }

    @Test("this host's own name, which resolves to loopback or a private address, is refused to webhooks when resolved")
    func ownHostNameRefusedWhenResolved() async throws {
        let target = try Self.target("https://\(ProcessInfo.processInfo.hostName):443/hook")
        try AddressPolicy.webhooks.check(target)
        await #expect(throws: AddressPolicy.Refusal.self) { try await AddressPolicy.webhooks.resolve(target) }
    }

    @Test("a pinned kubeconfig names the address resolved and keeps the host for TLS")
    func pinned() async throws {
        let host = ProcessInfo.processInfo.hostName
        let kubeconfig = Kubeconfig(server: "https://\(host):6443/prefix", credentials: .init(bearerToken: "t0k3n-value"))
        let pinned = try await kubeconfig.pinned(by: .testbedAPIServers)
        let target = try URLTarget(parsing: pinned.server)
        #expect(target.address != nil)
        #expect(target.port == 6443)
        #expect(pinned.server.hasSuffix(":6443/prefix"))
        #expect(pinned.credentials.tlsServerName == host.lowercased())
        #expect(pinned.credentials.bearerToken == "t0k3n-value")
    }

    /// glibc's own parsers are the reference: what `inet_aton` (IPv4, every spelling getaddrinfo
    /// takes for a number) and `inet_pton` (IPv6) make of each text is what the policy must judge.
    @Test(
        "every spelling parses to the address the C library reads in it",
        arguments: [
            "169.254.169.254", "2852039166", "0xa9fea9fe", "0XA9FEA9FE", "0xa9.0xfe.0xa9.0xfe", "0251.0376.0251.0376", "169.254.43518",
            "169.16689662", "0251.254.0xa9.254", "127.1", "0", "00", "010.0.0.1", "4294967295", "255.255.255.255", "1.2.3.256",
            "4294967296", "1.2.3.4.5", "09.1.1.1", "0x1g.1.1.1", "1..2.3", "::ffff:a9fe:a9fe", "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe", "::a9fe:a9fe", "fd00:ec2::254", "FD00:EC2:0:0:0:0:0:254", "::", "::1", "1::2::3", "1:2:3:4:5:6:7:8:9",
            "::ffff:1.2.3", "fe80::1", "2001:db8::", "12345::1", ":1::2",
        ]
    )
    func matchesTheCLibrary(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        let expected: IPAddress? =
            if text.contains(":") {
                inet_pton(AF_INET6, text, &v6) == 1 ? .v6(withUnsafeBytes(of: v6) { $0.reduce(UInt128(0)) { $0 << 8 | UInt128($1) } }) : nil
            } else {
                inet_aton(text, &v4) != 0 ? .v4(UInt32(bigEndian: v4.s_addr)) : nil
            }
        #expect(IPAddress(parsing: text) == expected)
    }

    @Test(
        "an IPv6 address prints as glibc's inet_ntop prints it",
        arguments: [
            "fd00:ec2::254", "FD00:EC2:0:0:0:0:0:254", "::ffff:1.2.3.4", "::ffff:a9fe:a9fe", "::a9fe:a9fe", "1:0:0:2:0:0:0:3", "1:0:2:0:3:0:4:0",
            "::", "::1", "::2", "2001:db8::1", "2001:db8:0:0:1:0:0:1", "64:ff9b::a9fe:a9fe", "fe80::1:0:0:1", "1:2:3:4:5:6:7:8",
        ]
    )
    func printsAsTheCLibrary(_ text: String) throws {
        var address = in6_addr()
        #expect(inet_pton(AF_INET6, text, &address) == 1)
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let expected = try #require(inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)).map { String(cString: $0) })
        #expect(IPAddress(parsing: text)?.description == expected)
    }

    @Test("an IPv4 address prints dotted, whatever its spelling")
    func printsIPv4Dotted() {
        #expect(IPAddress(parsing: "0xa9fea9fe")?.description == "169.254.169.254")
    }
}
