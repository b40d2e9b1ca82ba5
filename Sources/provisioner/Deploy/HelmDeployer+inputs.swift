import FleetAPI
import HelmDriver

extension HelmDeployer {
    /// Runs the request's action with its `ValuesFrom` fetched into its values, for the actions
    /// that render the chart (apply, plan): only once the cluster's kubeconfig is in hand and
    /// checked, so a request that cannot reach its cluster reads no secret.
    func runWithReferencedValues(
        _ context: DeploymentContext,
        service: any ThirdPartyService,
        helm: HelmRelease,
        _ bounds: RunBounds
    ) async -> DeploymentResult {
        guard let references = context.request.valuesFrom, !references.isEmpty, [.apply, .plan].contains(context.request.action) else {
            return await run(context, service: service, helm: helm, bounds)
        }
        var context = context
        let fetched: [String]
        do {
            (context.request.values, fetched) = try await referencedValues.fill(context.request.values, from: references)
        } catch {
            return DeploymentResult(failure: error)
        }
        var result = await run(context, service: service, helm: helm, bounds)
        result.details.fetchedSecrets = fetched
        return result
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
