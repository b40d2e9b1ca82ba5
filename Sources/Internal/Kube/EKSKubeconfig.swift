import Foundation

/// The kubeconfig the provisioner writes for itself to reach an EKS cluster: the endpoint and CA
/// from DescribeCluster, and a bearer token read from `tokenFile`. client-go reads a `tokenFile`
/// again once the token it cached is a minute old (transport/token_source.go,
/// NewCachedFileTokenSource), so the provisioner can replace the token while helm runs. Only the
/// provisioner writes this file; requests never choose a token file.
public enum EKSKubeconfig {
    public static func render(server: String, certificateAuthorityData: String, tokenFile: String) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: eks
          cluster:
            server: \(quoted(server))
            certificate-authority-data: \(quoted(certificateAuthorityData))
        contexts:
        - name: eks
          context:
            cluster: eks
            user: eks
        current-context: eks
        users:
        - name: eks
          user:
            tokenFile: \(quoted(tokenFile))

        """
    }

    /// The same cluster for the provisioner's own Kubernetes client, whose token comes from the file
    /// (`KubeClient(kubeconfig:bearerTokenFile:)`).
    public static func kubeconfig(server: String, certificateAuthorityData: String) -> Kubeconfig {
        Kubeconfig(server: server, certificateAuthority: Data(base64Encoded: certificateAuthorityData))
    }

    /// A YAML double-quoted scalar (JSON's string syntax is valid YAML), whatever the text holds.
    private static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = (try? encoder.encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension Kubeconfig {
    init(server: String, certificateAuthority: Data?) {
        self.server = server
        namespace = nil
        secrets = []
        credentials = Credentials(
            bearerToken: nil, username: nil, password: nil, certificateAuthority: certificateAuthority, clientCertificate: nil,
            clientKey: nil, insecureSkipTLSVerify: false)
    }
}
