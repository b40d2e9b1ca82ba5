import FleetAPI
import HelmDriver
import Logging

/// The one pattern every third-party service follows. A service only describes itself: how it is
/// deployed and with what (for helm: its chart, where it is released, the hooks helm waits for),
/// its values and its hooks. A `Deployer` of its strategy does the work, so services never run
/// helm themselves and an operator-based deployer can take over with a strategy of its own.
///
/// Adding a service: one file like `MetricsServer.swift`, its shipped values in `values/NAME.yaml`
/// (Package.swift embeds every file there); `ServiceCatalog.standard` finds it by itself (a build plugin lists them).
protocol ThirdPartyService: Sendable {
    var name: ServiceName { get }
    /// How it is deployed, and so by which deployer and what its operations lock.
    var strategy: DeploymentStrategy { get }
    /// The shipped default values, YAML.
    var defaultValues: String { get }
    /// Services to deploy before this one (e.g. Prometheus's ingress needs the NGINX controller);
    /// the deploy order and the cloud server's prerequisites follow from it.
    var dependsOn: [ServiceName] { get }
    /// Services it cannot run beside on one cluster: the cloud server refuses to deploy it where
    /// one of them is deployed (and them where it is).
    var conflictsWith: [ServiceName] { get }
    /// Values that depend on the request (cluster ID, DNS names), layered over the defaults and
    /// under the request's own values.
    func derivedValues(for request: DeploymentRequest) -> JSONValue
    /// Runs once the release is deployed (e.g. registering a DNS name); returns lines for the log.
    func afterApply(_ context: DeploymentContext) async throws -> [String]
    /// Runs before the release is uninstalled (e.g. removing that DNS name); returns lines for the log.
    func beforeDelete(_ context: DeploymentContext) async throws -> [String]
}

extension ThirdPartyService {
    var dependsOn: [ServiceName] { [] }
    var conflictsWith: [ServiceName] { [] }
    func derivedValues(for request: DeploymentRequest) -> JSONValue { [:] }
    func afterApply(_ context: DeploymentContext) async throws -> [String] { [] }
    func beforeDelete(_ context: DeploymentContext) async throws -> [String] { [] }
}

/// What a hook gets to work with: the request (its kubeconfig resolved), the cluster's API, AWS.
struct DeploymentContext: Sendable {
    var request: DeploymentRequest
    var release: ReleaseInfo?
    var kube: KubeClient
    var route53: Route53
    var deadline: ContinuousClock.Instant
    var logger: Logger
}
