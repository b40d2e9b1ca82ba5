import FleetAPI
import Foundation
import TestSupport
import Testing
import Yams

/// The file helm is given: one cluster, context and user with only the validated fields.
@Suite("Kubeconfig normalised file")
struct KubeconfigNormalizedTests {
    @Test("extra and dropped fields, other users and other clusters are left out")
    func onlyValidatedFields() throws {
        let text =
            KubeconfigSamples.make(
                user: ["token: s3cr3t-token", "extensions: [{name: audit, extension: {command: /bin/sh}}]"],
                cluster: ["extensions: [{name: x, extension: {proxy-url: http://evil}}]"],
                context: ["namespace: apps"]
            )
            + "\npreferences: {colors: true}\nextensions: []\n"
        let normalized = try Kubeconfig(parsing: text).normalized

        let document = try #require(try Yams.load(yaml: normalized) as? [String: Any])
        #expect(Set(document.keys) == ["apiVersion", "kind", "clusters", "users", "contexts", "current-context"])
        let users = try #require(document["users"] as? [[String: Any]])
        #expect(users.count == 1)
        #expect(users[0]["user"] as? [String: String] == ["token": "s3cr3t-token"])
        let clusters = try #require(document["clusters"] as? [[String: Any]])
        #expect(clusters.count == 1)
        #expect(clusters[0]["cluster"] as? [String: String] == ["server": "https://203.0.113.10:6443"])
        let contexts = try #require(document["contexts"] as? [[String: Any]])
        #expect((contexts[0]["context"] as? [String: String])?["namespace"] == "apps")
        for absent in ["exec", "extensions", "preferences", "/bin/false", "/bin/sh", "evil"] {
            #expect(!normalized.contains(absent), "\(absent) in\n\(normalized)")
        }
    }

    @Test(
        "the normalised file reads back as the same kubeconfig",
        arguments: [
            KubeconfigSamples.make(),
            KubeconfigSamples.make(server: "http://127.0.0.1:8080", user: ["username: 'true'", "password: '0123'"]),
            KubeconfigSamples.make(
                user: [
                    "client-certificate-data: \(Data("c".utf8).base64EncodedString())", "client-key-data: \(Data("k".utf8).base64EncodedString())",
                ],
                cluster: [
                    "certificate-authority-data: \(Data("ca".utf8).base64EncodedString())", "insecure-skip-tls-verify: true",
                    "tls-server-name: kubernetes", "disable-compression: true",
                ],
                context: ["namespace: '123'"]
            ),
        ]
    )
    func roundTrip(_ text: String) throws {
        let kubeconfig = try Kubeconfig(parsing: text, policy: .testbed)
        #expect(try Kubeconfig(parsing: kubeconfig.normalized, policy: .testbed) == kubeconfig)
        #expect(Kubeconfig(normalized: kubeconfig.normalized) == kubeconfig, "as helm's supervisor reads the file back")
    }

    @Test("a token file the provisioner refreshes reads back from its own file, which no policy would accept from outside")
    func tokenFileReadBack() throws {
        let built = Kubeconfig(server: "https://10.0.0.1", credentials: .init(certificateAuthority: Data("ca".utf8), bearerTokenFile: "/tmp/w/token"))
        #expect(Kubeconfig(normalized: built.normalized) == built)
        #expect(throws: Kubeconfig.Invalid.self) { try Kubeconfig(parsing: built.normalized) }
        #expect(Kubeconfig(normalized: "clusters: []") == nil)
    }

    @Test("an exec plugin is carried only when the policy allowed it, and then as it was")
    func execCarriedWhenAllowed() throws {
        let text = KubeconfigSamples.make(user: [KubeconfigSamples.execPlugin])
        let allowed = KubeconfigPolicy(allowExec: true)
        let kubeconfig = try Kubeconfig(parsing: text, policy: allowed)

        let reread = try Kubeconfig(parsing: kubeconfig.normalized, policy: allowed)
        #expect(reread.credentials.exec == kubeconfig.credentials.exec)
        #expect(throws: Kubeconfig.Invalid.self) { try Kubeconfig(parsing: kubeconfig.normalized) }
        #expect(try Kubeconfig(parsing: KubeconfigSamples.make()).normalized.contains("exec") == false)
    }

    @Test("a kubeconfig built in code renders the same way, for configurations the provisioner makes itself")
    func builtInCode() throws {
        let built = Kubeconfig(
            server: "https://ABCD.gr7.us-east-1.eks.amazonaws.com",
            credentials: .init(bearerToken: "k8s-aws-v1.abc", certificateAuthority: Data("ca".utf8))
        )
        #expect(try Kubeconfig(parsing: built.normalized) == built)
        #expect(built.secrets == ["k8s-aws-v1.abc"])
    }
}
