import FleetAPI
import Foundation
import Logging
import ServerSupport
import Telemetry
import Tracing

extension Supervisor {
    /// Hands each dispatchable deployment, oldest first, to the least busy ready provisioner that
    /// can start it, unless it waits for the one it depends on or cannot be sent at all (then it
    /// fails, saying why). What no provisioner can start yet waits here: a provisioner's own queue
    /// would hold it behind a slow deployment while another has slots free.
    func dispatch() async throws {
        let active = try await store.activeDeployments()
        var inFlight = Dictionary(grouping: active.compactMap(\.provisioner), by: { $0 }).mapValues(\.count)
        for deployment in try await store.dispatchableDeployments(now: lifecycle.clock.millisecondsSince1970) where holds(deployment.id) {
            let sent = try await tracer.withSpan("dispatch", context: Self.traceContext(of: deployment), ofKind: .producer) { span in
                span.attributes["cloud.deployment"] = deployment.id
                span.attributes["cloud.cluster"] = deployment.clusterID
                span.attributes["cloud.service"] = deployment.service.rawValue
                return try await dispatch(deployment, inFlight: inFlight)
            }
            switch sent {
            case .to(let url): inFlight[url, default: 0] += 1
            case .notSent: continue
            case .noProvisioner, .allBusy: return
            }
        }
    }

    private enum Dispatched {
        case to(String)
        case notSent
        case noProvisioner
        case allBusy
    }

    private func dispatch(_ deployment: Deployment, inFlight: [String: Int]) async throws -> Dispatched {
        if let dependencyID = deployment.dependsOn, let dependency = try await store.deployment(dependencyID) {
            guard dependency.state.isFinal else { return .notSent }  // waits until it has ended
            guard try await apply(.dependencyEnded(dependency), to: deployment.id).state == .requested else { return .notSent }
        }
        // First, so that one that cannot be sent at all fails whether or not a provisioner is free.
        guard let request = try await request(for: deployment) else { return .notSent }
        let client: ProvisionerClient
        switch pool.pick(inFlight: inFlight) {
        case .instance(let picked): client = picked
        case .allBusy: return .allBusy
        case .noneReady:
            logger.warning("no ready provisioner; deployments wait", metadata: ["deployment": "\(deployment.id)"])
            return .noProvisioner
        }
        let claimed = try await apply(.dispatched(to: client.url, request: request), to: deployment.id)
        return claimed.provisioner == client.url ? .to(client.url) : .notSent
    }

    /// The trace the deployment's request started, so every attempt joins it; a new trace for one
    /// made without a request (a rollout's, a profile's).
    static func traceContext(of deployment: Deployment) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        context.trace = deployment.traceParent.flatMap(TraceContext.init(traceparent:))
        return context
    }

    /// The provisioner request: the deployment plus the cluster's kubeconfig and DNS settings; nil
    /// when there is none to send, and the deployment failed for it.
    private func request(for deployment: Deployment) async throws -> DeploymentRequest? {
        var question = DeploymentRequest(
            clusterID: deployment.clusterID,
            service: deployment.service,
            spec: deployment.spec,
            timeoutSeconds: deployment.timeoutSeconds
        )
        question.previousAttemptsEnded = deployment.previousAttemptsEnded
        question.forceConflicts = deployment.forceConflicts
        let outcome = try await request(question)
        switch outcome {
        case .ready(let request):
            return request
        case .clusterGone:
            try await apply(.clusterGone, to: deployment.id)
        case .kubeconfigRefused(let reason):
            try await apply(.kubeconfigRefused(reason: reason), to: deployment.id)
        }
        return nil
    }

    enum RequestOutcome {
        case ready(DeploymentRequest)
        case clusterGone
        case kubeconfigRefused(reason: String)
    }

    /// `request` completed with its cluster's kubeconfig (or where it is kept) and DNS settings.
    /// A stored kubeconfig is checked against the current policy before it goes out.
    func request(_ request: DeploymentRequest) async throws -> RequestOutcome {
        guard let cluster = try await store.cluster(request.clusterID) else { return .clusterGone }
        return try await self.request(request, on: cluster)
    }

    /// `request(_:)` for a cluster already read.
    func request(_ request: DeploymentRequest, on cluster: Cluster) async throws -> RequestOutcome {
        guard let kubeconfig = try await store.kubeconfig(ofCluster: request.clusterID) else { return .clusterGone }
        var request = request
        request.dns = cluster.dns
        switch kubeconfig {
        case .inline(let text):
            do {
                try kubeconfigChecks.check(text)
            } catch {
                return .kubeconfigRefused(reason: error.reason)
            }
            request.kubeconfig = text
        case .source(let source): request.kubeconfigSource = source
        }
        return .ready(request)
    }
}
