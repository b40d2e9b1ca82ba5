import ArgumentParser
import FleetAPI
import Foundation
import Testing

@testable import provisioner

/// The semantics of `--allowed-repository` patterns and `--allowed-dns-zone` entries, and how the
/// command line turns into them.
@Suite("Allow-lists")
struct AllowListTests {
    @Test(
        "repository patterns match whole URLs",
        arguments: [
            ("https://charts.example.com", "https://charts.example.com/", true),
            ("https://charts.example.com/", "https://Charts.Example.com", true),
            ("https://charts.example.com", "https://charts.example.com/stable", false),
            ("https://charts.example.com/*", "https://charts.example.com/stable", true),
            ("https://charts.example.com/*", "https://charts.example.com/stable/extra", false),
            ("https://charts.example.com/**", "https://charts.example.com/stable/extra", true),
            ("https://charts.example.com/**", "https://charts.example.com.evil.io/x", false),
            ("https://*.example.com/charts", "https://eu.example.com/charts", true),
            ("https://*.example.com/charts", "https://evil.io/x.example.com/charts", false),
            ("https://*.example.com/charts", "https://evil.io?.example.com/charts", false),
            ("https://*.example.com/**", "https://user@evil.io#.example.com/x", false),
            ("oci://registry.example.com/charts/*", "oci://registry.example.com/charts/nginx", true),
            ("oci://registry.example.com/charts/*", "https://registry.example.com/charts/nginx", false),
        ]
    )
    func repositoryPatterns(_ pattern: String, _ url: String, _ matches: Bool) throws {
        #expect(try RepositoryPattern(pattern).matches(url) == matches)
    }

    @Test("a repository pattern must be an http(s) or oci URL", arguments: ["charts.example.com", "file:///srv/charts", "https://", "*://x"])
    func badPatterns(_ pattern: String) {
        #expect(throws: RepositoryPattern.Invalid.self) { try RepositoryPattern(pattern) }
    }

    @Test("DNS entries are zone IDs or domains")
    func dnsEntries() throws {
        #expect(try DNSAllowList(["Z0123ABC", "/hostedzone/Z9", "Internal.Example.com."]) != DNSAllowList.none)
        #expect(throws: DNSAllowList.Invalid.self) { try DNSAllowList(["not a domain"]) }
        #expect(throws: DNSAllowList.Invalid.self) { try DNSAllowList(["-bad.example"]) }
    }

    @Test("the flags: exec off, the services' repositories and no DNS by default; repeated flags collect")
    func flags() throws {
        let defaults = try ProvisionerCommand.parse([]).makeConfiguration()
        #expect(defaults.kubeconfigPolicy == .dataOnly)
        #expect(defaults.allowedRepositories == nil)
        #expect(defaults.allowedDNS == .none)

        let configured = try ProvisionerCommand.parse([
            "--allow-kubeconfig-exec", "--allowed-repository", "https://a.example/*", "--allowed-repository", "oci://b.example/charts",
            "--allowed-dns-zone", "Z0123ABC", "--allowed-dns-zone", "internal.example.com",
        ]).makeConfiguration()
        #expect(configured.kubeconfigPolicy.allowExec)
        #expect(configured.allowedRepositories?.map(\.description) == ["https://a.example/*", "oci://b.example/charts"])
        #expect(configured.allowedDNS == (try DNSAllowList(["Z0123ABC", "internal.example.com"])))

        #expect(throws: (any Error).self) { try ProvisionerCommand.parse(["--allowed-repository", "file:///srv"]).makeConfiguration() }
        #expect(throws: (any Error).self) { try ProvisionerCommand.parse(["--allowed-dns-zone", "no such"]).makeConfiguration() }
    }
}
