import FleetAPI
import Foundation
import TestSupport
public import Testing

extension KubeconfigSamples.Forbidden: CustomTestStringConvertible {}

/// A kubeconfig from outside carries data only: whatever client-go would turn into a process, a
/// file read or a detour is refused, naming the key.
@Suite("Kubeconfig validation")
struct KubeconfigValidationTests {
    @Test("each forbidden form is refused, naming the key", arguments: KubeconfigSamples.forbidden)
    func refused(_ sample: KubeconfigSamples.Forbidden) {
        #expect {
            _ = try Kubeconfig(parsing: sample.text)
        } throws: { error in
            guard let invalid = error as? Kubeconfig.Invalid else { return false }
            return invalid.key == sample.key && invalid.reason.contains(sample.key)
        }
    }

    @Test(
        "auth-provider and file references stay refused when exec plugins are allowed",
        arguments: KubeconfigSamples.forbidden.filter {
            !$0.key.hasSuffix(".exec")
        }
    )
    func refusedEvenWithExec(_ sample: KubeconfigSamples.Forbidden) {
        #expect(throws: Kubeconfig.Invalid.self) { try Kubeconfig(parsing: sample.text, policy: KubeconfigPolicy(allowExec: true)) }
    }

    @Test("an exec plugin is refused by default and says how to allow it")
    func execRefusedByDefault() throws {
        let error = #expect(throws: Kubeconfig.Invalid.self) {
            try Kubeconfig(parsing: KubeconfigSamples.make(user: [KubeconfigSamples.execPlugin]))
        }
        #expect(error?.reason.contains("--allow-kubeconfig-exec") == true)
    }

    @Test("the data forms are accepted and carried")
    func dataFormsAccepted() throws {
        let data = Data("pem".utf8).base64EncodedString()
        let kubeconfig = try Kubeconfig(
            parsing: KubeconfigSamples.make(
                user: ["client-certificate-data: \(data)", "client-key-data: \(data)", "extensions: [{name: x, extension: {}}]"],
                cluster: [
                    "certificate-authority-data: \(data)", "tls-server-name: api.internal", "insecure-skip-tls-verify: false",
                    "disable-compression: true", "extensions: []",
                ],
                context: ["namespace: apps", "extensions: []"]
            )
        )

        #expect(kubeconfig.server == "https://203.0.113.10:6443")
        #expect(kubeconfig.namespace == "apps")
        #expect(kubeconfig.credentials.certificateAuthority == Data("pem".utf8))
        #expect(kubeconfig.credentials.clientCertificate == Data("pem".utf8))
        #expect(kubeconfig.credentials.clientKey == Data("pem".utf8))
        #expect(kubeconfig.credentials.tlsServerName == "api.internal")
        #expect(kubeconfig.credentials.disableCompression)
        #expect(kubeconfig.credentials.exec == nil)
    }

    @Test(
        "basic auth is accepted over https, and over plain http to loopback",
        arguments: [
            "https://203.0.113.10:6443", "http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080",
        ]
    )
    func basicAuth(_ server: String) throws {
        let kubeconfig = try Kubeconfig(
            parsing: KubeconfigSamples.make(server: server, user: ["username: admin", "password: hunter22"]),
            policy: .testbed
        )
        #expect(kubeconfig.credentials.password == "hunter22")
        #expect(kubeconfig.secrets.contains("hunter22"))
    }

    @Test("an exec plugin is accepted when the policy allows it, field by field")
    func execAllowed() throws {
        let kubeconfig = try Kubeconfig(
            parsing: KubeconfigSamples.make(user: [KubeconfigSamples.execPlugin]),
            policy: KubeconfigPolicy(allowExec: true)
        )
        #expect(
            kubeconfig.credentials.exec
                == Kubeconfig.ExecPlugin(
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "/bin/sh",
                    args: ["-c", "id > /tmp/pwned"],
                    env: [.init(name: "AWS_PROFILE", value: "prod")],
                    provideClusterInfo: true,
                    interactiveMode: "Never"
                )
        )
    }

    @Test("an exec plugin with a field client-go does not define is refused even when exec is allowed")
    func execUnknownField() {
        let text = KubeconfigSamples.make(user: ["exec:\n  command: aws\n  shell: true"])
        let error = #expect(throws: Kubeconfig.Invalid.self) { try Kubeconfig(parsing: text, policy: KubeconfigPolicy(allowExec: true)) }
        #expect(error?.key == "users[admin].user.exec.shell")
    }

    @Test("only the selected user matters: another user's exec plugin is never looked at")
    func otherUsersIgnored() throws {
        // `make` always adds a user "other" with an exec plugin.
        #expect(try Kubeconfig(parsing: KubeconfigSamples.make()).credentials.bearerToken == "s3cr3t-token")
    }

    @Test("a key given twice, a key that is not a string, a user that is not a mapping, a context defined twice are refused")
    func shapes() {
        #expect(throws: Kubeconfig.Invalid.self) { try Kubeconfig(parsing: KubeconfigSamples.make(user: ["token: a", "token: b"])) }
        #expect(throws: Kubeconfig.Invalid.self) { try Kubeconfig(parsing: KubeconfigSamples.make(user: ["? [a]\n: b"])) }
        #expect(throws: Kubeconfig.Invalid.self) {
            try Kubeconfig(parsing: KubeconfigSamples.make().replacingOccurrences(of: "user:\n    token: s3cr3t-token", with: "user: [1]"))
        }
        let twice = KubeconfigSamples.make()
            .replacingOccurrences(of: "contexts:\n- name: ctx", with: "contexts:\n- name: ctx\n  context: {cluster: prod}\n- name: ctx")
        let error = #expect(throws: Kubeconfig.Invalid.self) { try Kubeconfig(parsing: twice) }
        #expect(error?.key == "contexts[ctx]")
    }
}
