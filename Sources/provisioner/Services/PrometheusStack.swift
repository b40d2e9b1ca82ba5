import FleetAPI
import HelmDriver

/// Prometheus and Alertmanager run by prometheus-operator: `monitoring.coreos.com/v1` objects
/// applied as a set (the objects strategy) and reconciled by the operator the
/// `prometheus-operator` service installs. An alternative to the `prometheus` service on a cluster,
/// with the same `clusterID` external label and the same DNS name (`PrometheusName`).
struct PrometheusStack: ThirdPartyService {
    let name: ServiceName = "prometheus-stack"
    let strategy = DeploymentStrategy.objects(
        ObjectsRelease(
            name: "prometheus-stack",
            namespace: "prometheus-stack",
            version: "1.0.0",
            objects: String(decoding: PackageResources.prometheus_stack_objects_yaml, as: UTF8.self),
            objectsWhenSet: [
                ConditionalObjects(
                    value: "ingress.host",
                    objects: String(decoding: PackageResources.prometheus_stack_ingress_objects_yaml, as: UTF8.self)
                )
            ],
            // prometheus-operator's conditions (pkg/apis/monitoring/v1/types.go): reconciled, and
            // enough pods ready.
            readiness: ["Prometheus": ["Available", "Reconciled"], "Alertmanager": ["Available", "Reconciled"]]
        )
    )
    var defaultValues: String { String(decoding: PackageResources.prometheus_stack_yaml, as: UTF8.self) }
    /// Both answer at `<cluster-id>.prometheus.<private-domain>` and carry the same cluster label.
    let conflictsWith: [ServiceName] = ["prometheus"]
    /// The operator and its CRDs reconcile the objects; the Ingress and DNS name point at NGINX.
    let dependsOn: [ServiceName] = ["prometheus-operator", "nginx"]

    func derivedValues(for request: DeploymentRequest) -> JSONValue {
        var values: JSONValue = .nested("prometheus.externalLabels.clusterID", .string(request.clusterID))
        if let domain = request.dns?.privateDomain {
            values = values.merging(.nested("ingress.host", .string(PrometheusName.host(clusterID: request.clusterID, privateDomain: domain))))
        }
        return values
    }

    /// Points `<cluster-id>.prometheus.<private-domain>` at the NGINX controller's load balancer.
    func afterApply(_ context: DeploymentContext) async throws -> [String] {
        try await PrometheusName.register(context)
    }

    func beforeDelete(_ context: DeploymentContext) async throws -> [String] {
        try await PrometheusName.remove(context)
    }
}
