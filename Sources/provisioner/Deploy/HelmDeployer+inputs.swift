import FleetAPI
import HelmDriver

extension HelmDeployer {
    /// The request with its `ValuesFrom` fetched into its values, for the actions that render the
    /// chart (apply, plan); the others use no values.
    func withReferencedValues(_ request: DeploymentRequest) async throws(DeploymentFailure) -> (DeploymentRequest, [String]) {
        guard let references = request.valuesFrom, !references.isEmpty, [.apply, .plan].contains(request.action) else { return (request, []) }
        var request = request
        let filled = try await referencedValues.fill(request.values, from: references)
        request.values = filled.values
        return (request, filled.secrets)
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
