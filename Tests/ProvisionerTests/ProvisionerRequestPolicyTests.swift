import ArgumentParser
import FleetAPI
import Foundation
import HTTPTypes
import HelmDriver
import ServerSupport
import TestSupport
public import Testing

@testable import provisioner

extension KubeconfigSamples.Forbidden: CustomTestStringConvertible {}

/// What a request may point the provisioner at: kubeconfigs that carry data only, chart
/// repositories on the allow-list, and Route53 zones on the allow-list.
@Suite("Provisioner request policy")
struct ProvisionerRequestPolicyTests {
    static func request(
        kubeconfig: String = KubeconfigSamples.make(),
        repository: String? = nil,
        dns: DNSConfig? = nil
    ) -> DeploymentRequest {
        DeploymentRequest(
            clusterID: "c1",
            service: "nginx",
            action: .apply,
            chart: ChartRequest(version: "4.15.1", repository: repository),
            kubeconfig: kubeconfig,
            dns: dns
        )
    }

    /// Posts each request and expects a 400 naming `field`, with the message containing `mentioning`.
    func expectRefused(
        _ requests: [DeploymentRequest],
        field: String,
        mentioning: [String],
        configure: @escaping (inout ProvisionerConfiguration) -> Void = { _ in }
    ) async throws {
        let provisioner = try await InProcessProvisioner.start(configure: configure)
        defer { provisioner.stop() }
        for (request, mention) in zip(requests, mentioning) {
            let reply = try await provisioner.post(request)
            #expect(reply.status == 400, "\(reply.text)")
            #expect(reply.error?.field == field)
            #expect(reply.error?.error.contains(mention) == true, "\(reply.text)")
        }
        #expect(try await provisioner.server.request(.get, "/api/deployments").text == "[]")
    }

    @Test("a secret in the values is redacted from what helm and the chart print, as the kubeconfig's are")
    func valuesSecretsRedacted() throws {
        var request = Self.request()
        request.values = ["controller": ["admissionWebhooks": ["password": "correct-horse-battery"]]]
        let validator = DeploymentValidator(catalog: .standard, defaultTimeout: .seconds(60))
        let job = try validator.job(for: request)
        let printed = "Error: INSTALLATION FAILED: password \"correct-horse-battery\" is rejected"
        #expect(job.redactor.redact(printed) == "Error: INSTALLATION FAILED: password \"[REDACTED]\" is rejected")
    }

    @Test("a word added with --secret-key-word makes its values secret too, scrubbed as the default words' are")
    func configuredSecretWords() throws {
        var request = Self.request()
        request.values = ["unlock_pin": "pin-code-8675309"]
        var validator = DeploymentValidator(catalog: .standard, defaultTimeout: .seconds(60))
        #expect(try validator.job(for: request).redactor.redact("pin-code-8675309") == "pin-code-8675309")
        validator.secretValues = try SecretValues.adding(flagValues: ["pin"])
        #expect(try validator.job(for: request).redactor.redact("pin-code-8675309") == "[REDACTED]")
        #expect(try ProvisionerCommand.parse(["--secret-key-word", "pin"]).makeConfiguration().secretValues.words.contains("pin"))
    }

    @Test("every forbidden kubeconfig form is refused with 400 naming Kubeconfig and the key")
    func forbiddenKubeconfigs() async throws {
        let samples = KubeconfigSamples.forbidden
        try await expectRefused(samples.map { Self.request(kubeconfig: $0.text) }, field: "Kubeconfig", mentioning: samples.map(\.key))
    }

    @Test("with --allow-kubeconfig-exec only exec is let through; auth-provider and file references stay refused")
    func execAllowed() throws {
        let validator = DeploymentValidator(
            catalog: .standard,
            defaultTimeout: .seconds(60),
            kubeconfigPolicy: KubeconfigPolicy(allowExec: true)
        )
        _ = try validator.job(for: Self.request(kubeconfig: KubeconfigSamples.make(user: [KubeconfigSamples.execPlugin])))
        for sample in KubeconfigSamples.forbidden where !sample.key.hasSuffix(".exec") {
            #expect(throws: APIError.self, "\(sample.name)") { try validator.job(for: Self.request(kubeconfig: sample.text)) }
        }
    }

    @Test("Chart.Repository off the allow-list, or file://, is refused with 400 naming Chart.Repository")
    func repositoriesRefused() async throws {
        try await expectRefused(
            [
                Self.request(repository: "http://169.254.169.254/latest/meta-data"),
                Self.request(repository: "file:///etc"),
                Self.request(repository: "https://charts.example.com.evil.io/stable"),
                Self.request(repository: "https://charts.example.com/stable/../../x@evil.io"),
            ],
            field: "Chart.Repository",
            mentioning: ["169.254.169.254", "http(s) or oci", "evil.io", "evil.io"],
            configure: { $0.allowedRepositories = [try! RepositoryPattern("https://charts.example.com/**")] }
        )
    }

    @Test("by default a request may name only the services' own repositories")
    func defaultRepositories() throws {
        let validator = DeploymentValidator(catalog: .standard, defaultTimeout: .seconds(60))
        _ = try validator.job(for: Self.request(repository: "https://kubernetes.github.io/ingress-nginx/"))
        _ = try validator.job(for: Self.request(repository: "https://prometheus-community.github.io/helm-charts"))
        let error = #expect(throws: APIError.self) { try validator.job(for: Self.request(repository: "https://charts.example.com")) }
        #expect(error?.field == "Chart.Repository")
    }

    @Test("DNS settings are refused until --allowed-dns-zone allows them")
    func dnsRefused() async throws {
        try await expectRefused(
            [Self.request(dns: DNSConfig(privateDomain: "internal.example.com"))],
            field: "DNS.PrivateDomain",
            mentioning: ["internal.example.com"]
        )
        try await expectRefused(
            [Self.request(dns: DNSConfig(privateDomain: "internal.example.com", privateHostedZoneID: "Z0ALLOWED"))],
            field: "DNS.PrivateHostedZoneID",
            mentioning: ["Z0ALLOWED"]
        )
        try await expectRefused(
            [
                Self.request(dns: DNSConfig(privateDomain: "xinternal.example.com")),
                Self.request(dns: DNSConfig(privateDomain: "example.com")),
            ],
            field: "DNS.PrivateDomain",
            mentioning: ["xinternal.example.com", "\"example.com\""],
            configure: { $0.allowedDNS = try! DNSAllowList(["internal.example.com", "Z0ALLOWED"]) }
        )
        try await expectRefused(
            [Self.request(dns: DNSConfig(privateDomain: "internal.example.com", privateHostedZoneID: "Z0OTHER"))],
            field: "DNS.PrivateHostedZoneID",
            mentioning: ["Z0OTHER"],
            configure: { $0.allowedDNS = try! DNSAllowList(["internal.example.com", "Z0ALLOWED"]) }
        )
    }

    @Test("an allowed domain admits itself and its subdomains; an allowed zone ID admits that zone")
    func dnsAllowed() throws {
        let validator = DeploymentValidator(
            catalog: .standard,
            defaultTimeout: .seconds(60),
            allowedDNS: try DNSAllowList(["Internal.Example.com.", "/hostedzone/Z0ALLOWED"])
        )
        for dns in [
            DNSConfig(privateDomain: "internal.example.com"), DNSConfig(privateDomain: "eu.internal.example.com."),
            DNSConfig(privateDomain: "other.example", privateHostedZoneID: "Z0ALLOWED"),
            DNSConfig(privateDomain: "internal.example.com", privateHostedZoneID: "/hostedzone/Z0ALLOWED"),
        ] {
            _ = try validator.job(for: Self.request(dns: dns))
        }
    }
}
