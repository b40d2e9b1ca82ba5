import FleetAPI
import Foundation
import HelmDriver

extension ClusterAccess {
    /// For an EKS source: the cluster's endpoint and CA from DescribeCluster, and a token made here
    /// with the provisioner's own AWS credentials (no `exec` plugin). The token sits in a private
    /// file that helm and the hooks read and that is rewritten every three minutes until
    /// `operation` ends, as tokens live 15 minutes and an operation up to an hour.
    func withEKSContext<T: Sendable>(
        _ eks: KubeconfigSource.EKSCluster,
        request: DeploymentRequest,
        deadline: ContinuousClock.Instant,
        _ operation: (DeploymentContext) async -> T
    ) async throws -> T {
        let api = EKS(client: aws)
        let cluster = try await api.describeCluster(eks.cluster, region: eks.region)
        let refresher = TokenFileRefresher(clock: ContinuousClock(), logger: logger)
        let token: @Sendable () async throws -> String = { try await api.token(for: eks.cluster, region: eks.region).value }
        return try await PrivateWorkspace.with(in: workDirectory) { workspace in
            try await refresher.run(in: workspace, file: "eks-token", token: token) { tokenFile in
                let kubeconfig = EKSKubeconfig.kubeconfig(
                    server: cluster.endpoint,
                    certificateAuthorityData: cluster.certificateAuthorityData,
                    tokenFile: tokenFile
                )
                var request = request
                request.kubeconfig = kubeconfig.normalized
                let kube = KubeClient(kubeconfig: kubeconfig, deadline: deadline)
                return await operation(
                    DeploymentContext(request: request, release: nil, kube: kube, route53: Route53(client: aws), deadline: deadline, logger: logger)
                )
            }
        }
    }
}
