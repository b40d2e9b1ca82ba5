import FleetAPI
import HelmDriver

extension HelmDeployer {
    /// The chart's CRDs (`helm show crds`) put into the cluster as the service's policy says, before
    /// helm runs, which is then told to leave them alone (`--skip-crds`): server-side apply as
    /// `cloud-provisioner`, forcing the fields the CRDs set (a CRD is the chart's, whoever applied
    /// it before). A CRD is never deleted. Returns the lines for the log.
    func applyCRDs(
        _ policy: CRDPolicy,
        chart: String,
        version: String?,
        kube: KubeClient,
        deadline: ContinuousClock.Instant
    ) async throws(DeploymentFailure) -> [String] {
        let printed: String
        do {
            // kube-prometheus-stack's are 4 MB, more than helm's usual output bound; a step of the
            // deployment, so within its deadline rather than a command's own.
            printed = try await releases.helm.output(
                HelmArguments.showCRDs(chart: chart, version: version),
                outputLimit: 64 << 20,
                deadline: deadline
            )
        } catch {
            throw DeploymentFailure(error)
        }
        let crds: [JSONValue]
        do {
            crds = try ObjectTemplate.objects(in: printed)
        } catch {
            throw DeploymentFailure(.failed, step: "CRDs", message: "helm show crds printed no YAML: \(error)")
        }
        let resource = KubeClient.Resource(plural: "customresourcedefinitions", namespaced: false)
        var log: [String] = []
        do {
            for crd in crds {
                guard case .string(let name)? = crd.objectValue?["metadata"]?.objectValue?["name"] else { continue }
                let ref = ObjectRef(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: name)
                if policy == .create, try await kube.get(resource.path(of: ref)) != nil { continue }
                _ = try await kube.apply(crd.encoded(), as: ref, resource: resource, fieldManager: ObjectsDeployer.fieldManager, force: true)
                log.append("CRDs (\(policy.rawValue)): applied \(name)")
            }
        } catch {
            throw DeploymentFailure(.failed, step: "CRDs", message: error.description)
        }
        return log
    }
}
