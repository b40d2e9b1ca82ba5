import FleetAPI
import Foundation
import HelmDriver
import Logging

/// How a deployer reaches the cluster a request names, whatever its strategy: the request's own
/// kubeconfig as validation parsed it, one fetched from S3 or Secrets Manager (parsed and checked
/// here, where it is first seen), or one made for an EKS cluster; its server resolved and checked
/// once, so every connection goes to the address checked.
struct ClusterAccess: Sendable {
    let aws: AWSClient
    /// What a kubeconfig may ask for.
    let kubeconfigPolicy: KubeconfigPolicy
    /// Where private files (an EKS token) are written.
    let workDirectory: String
    let logger: Logger

    /// Runs `operation` with the request's kubeconfig in hand: the inline one, one fetched from S3
    /// or Secrets Manager, or one made for an EKS cluster (kept fresh while `operation` runs).
    func withContext<T: Sendable>(
        for request: DeploymentRequest,
        parsed kubeconfig: Kubeconfig?,
        deadline: ContinuousClock.Instant,
        _ operation: (DeploymentContext) async -> T
    ) async throws(DeploymentFailure) -> T {
        if let eks = request.kubeconfigSource?.eks {
            do {
                return try await withEKSContext(eks, request: request, deadline: deadline, operation)
            } catch {
                throw DeploymentFailure(.failed, step: "kubeconfig", message: "\(error)")
            }
        }
        return await operation(try await context(for: request, parsed: kubeconfig, deadline: deadline))
    }

    /// The request with its kubeconfig in hand (fetched from S3 or Secrets Manager when it names a
    /// source), and the clients hooks use.
    /// - Parameter parsed: the request's inline kubeconfig as validation parsed it; nil when it is
    ///   fetched here (S3, Secrets Manager), so it is parsed and checked here.
    private func context(
        for request: DeploymentRequest,
        parsed: Kubeconfig?,
        deadline: ContinuousClock.Instant
    ) async throws(DeploymentFailure) -> DeploymentContext {
        var request = request
        var kubeconfig: Kubeconfig
        if let parsed, request.kubeconfigSource == nil {
            kubeconfig = parsed
        } else {
            if let source = request.kubeconfigSource {
                let fetcher = KubeconfigFetcher(client: aws)
                do {
                    if let s3 = source.s3 {
                        request.kubeconfig = try await fetcher.s3Object(bucket: s3.bucket, key: s3.key)
                    } else if let secret = source.secretsManager {
                        request.kubeconfig = try await fetcher.secretString(id: secret.secretID)
                    }
                } catch {
                    throw DeploymentFailure(.failed, step: "kubeconfig", message: "fetching the kubeconfig from \(source) failed: \(error)")
                }
            }
            do {
                kubeconfig = try Kubeconfig(parsing: request.kubeconfig, policy: kubeconfigPolicy)
            } catch {
                throw DeploymentFailure(
                    .invalidInput,
                    step: "kubeconfig",
                    message: "the kubeconfig from \(request.kubeconfigSource?.description ?? "the request") is invalid: \(error)"
                )
            }
        }
        kubeconfig = try await Self.pinned(kubeconfig, by: kubeconfigPolicy.servers)
        // Nothing after this point sees the text received.
        request.kubeconfig = kubeconfig.normalized
        return DeploymentContext(
            request: request,
            release: nil,
            kube: KubeClient(kubeconfig: kubeconfig, deadline: deadline),
            route53: Route53(client: aws),
            deadline: deadline,
            logger: logger
        )
    }

    /// The kubeconfig with its server resolved and checked now, so that helm and our own reads
    /// connect to the address checked (`Kubeconfig.pinned(by:)`).
    static func pinned(_ kubeconfig: Kubeconfig, by policy: AddressPolicy) async throws(DeploymentFailure) -> Kubeconfig {
        do {
            return try await kubeconfig.pinned(by: policy)
        } catch {
            let kind: DeploymentFailure.Kind = error.unresolved ? .clusterUnreachable : .invalidInput
            throw DeploymentFailure(
                kind,
                step: "kubeconfig",
                message: "the kubeconfig's server \(error.unresolved ? "cannot be reached" : "is refused"): \(error)"
            )
        }
    }
}
