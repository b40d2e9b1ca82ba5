public import FleetAPI
import Foundation

/// The kubeconfig the provisioner makes for itself to reach an EKS cluster: the endpoint and CA
/// from DescribeCluster, and a bearer token it keeps fresh in `tokenFile`. Only the provisioner
/// chooses that file; requests never name one.
public enum EKSKubeconfig {
    public static func kubeconfig(server: String, certificateAuthorityData: String, tokenFile: String) -> Kubeconfig {
        Kubeconfig(
            server: server,
            credentials: .init(certificateAuthority: Data(base64Encoded: certificateAuthorityData), bearerTokenFile: tokenFile)
        )
    }
}
