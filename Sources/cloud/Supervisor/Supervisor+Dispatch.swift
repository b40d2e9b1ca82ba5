import Foundation
import Internal

extension Supervisor {
    private struct Skip: Error {}

    /// Hands each dispatchable deployment to the least busy ready provisioner. The claim
    /// (`dispatched`, which instance, which ID there) is written before the POST: if this process
    /// dies in between, following finds the provisioner does not know it and dispatches it again.
    func dispatch() async throws {
        let active = try await store.activeDeployments()
        var inFlight = Dictionary(grouping: active.compactMap(\.provisioner), by: { $0 }).mapValues(\.count)
        for deployment in try await store.dispatchableDeployments(now: Date().millisecondsSince1970) where holds(deployment.id) {
            if try await blockedByDependency(deployment) { continue }
            guard let request = try await request(for: deployment) else { continue }
            guard let client = pool.pick(inFlight: inFlight) else {
                logger.warning("no ready provisioner; deployments wait", metadata: ["deployment": "\(deployment.id)"])
                return
            }
            let now = Date().millisecondsSince1970
            let claimed: Deployment
            do {
                claimed = try await store.updateDeployment(deployment.id) { current in
                    guard current.state == .requested else { throw Skip() }
                    current.state = .dispatched
                    current.attempts += 1
                    current.provisioner = client.url
                    current.provisionerDeploymentID = Self.provisionerID(of: current.id, attempt: current.attempts)
                    current.lastSeenAt = now
                    current.updateAt = now
                }
            } catch is Skip {
                continue
            }
            inFlight[client.url, default: 0] += 1
            await submit(claimed, request, to: client)
        }
    }

    private func submit(_ deployment: Deployment, _ request: DeploymentRequest, to client: ProvisionerClient) async {
        var request = request
        request.id = deployment.provisionerDeploymentID
        do {
            let status = try await client.submit(request)
            try? await record(status, for: deployment.id)
            logger.info("deployment dispatched", metadata: [
                "deployment": "\(deployment.id)", "provisioner": "\(client.url)", "attempt": "\(deployment.attempts)",
                "cluster": "\(deployment.clusterID)", "service": "\(deployment.service)",
            ])
        } catch .rejected(let status, let message) {
            _ = try? await store.updateDeployment(deployment.id) { current in
                guard current.state == .dispatched else { return }
                current.state = .failed
                current.error = "the provisioner refused the deployment (\(status)): \(message)"
                current.endAt = Date().millisecondsSince1970
            }
        } catch {
            // Unreachable or draining: give the claim back and try another instance soon.
            pool.markUnhealthy(client.url)
            _ = try? await store.updateDeployment(deployment.id) { current in
                guard current.state == .dispatched else { return }
                current.state = .requested
                current.attempts -= 1
                current.provisioner = nil
                current.provisionerDeploymentID = nil
            }
            wake()
        }
    }

    /// The provisioner request: the deployment plus the cluster's kubeconfig and DNS settings.
    private func request(for deployment: Deployment) async throws -> DeploymentRequest? {
        guard let cluster = try await store.cluster(deployment.clusterID),
            let kubeconfig = try await store.kubeconfig(ofCluster: deployment.clusterID)
        else {
            try await store.updateDeployment(deployment.id) { current in
                current.state = .failed
                current.error = "cluster \(deployment.clusterID) no longer exists"
            }
            return nil
        }
        var request = DeploymentRequest(
            clusterID: deployment.clusterID, service: deployment.service, action: deployment.action,
            chart: deployment.chart, values: deployment.values, kubeconfig: "", dns: cluster.dns,
            timeoutSeconds: deployment.timeoutSeconds, previousAttemptsEnded: deployment.previousAttemptsEnded)
        switch kubeconfig {
        case .inline(let text):
            do {
                _ = try Kubeconfig(parsing: text, policy: kubeconfigPolicy)
            } catch {
                try await store.updateDeployment(deployment.id) { current in
                    guard current.state == .requested else { return }
                    current.state = .failed
                    current.error = "the cluster's kubeconfig is refused: \(error.reason)"
                    current.endAt = Date().millisecondsSince1970
                }
                return nil
            }
            request.kubeconfig = text
        case .source(let source): request.kubeconfigSource = source
        }
        return request
    }

    /// A deployment waits for the one it depends on, and fails if that one did not succeed.
    private func blockedByDependency(_ deployment: Deployment) async throws -> Bool {
        guard let dependencyID = deployment.dependsOn, let dependency = try await store.deployment(dependencyID) else {
            return false
        }
        switch dependency.state {
        case .succeeded:
            return false
        case .failed, .cancelled:
            try await store.updateDeployment(deployment.id) { current in
                guard current.state == .requested else { return }
                current.state = .failed
                current.error = "\(dependency.service) deployment \(dependency.id) it depends on ended \(dependency.state.rawValue)"
                current.endAt = Date().millisecondsSince1970
            }
            return true
        default:
            return true
        }
    }
}
