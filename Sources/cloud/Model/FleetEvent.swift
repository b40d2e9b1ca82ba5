import FleetAPI

/// One change of the fleet, as the event stream (`GET /api/events`) and webhooks carry it: what
/// changed, to what, and a line a person reads. It names objects and states, never values or
/// kubeconfigs, so it may go anywhere a viewer may look.
struct FleetEvent: Codable, Sendable, Equatable {
    /// Increasing in the order the changes were committed, across every server sharing a database.
    var id: Int64
    var time: Int64
    /// `KIND.WHAT`, e.g. `deployment.succeeded`, `rollout.halted`, `drift.detected`.
    var type: String
    var objectID: String
    var clusterID: String?
    var service: String?
    /// The object's state after the change, where it has one.
    var state: String?
    /// The chart version concerned, where there is one.
    var version: String?
    var summary: String

    enum Kind: String, Sendable, CaseIterable {
        case deployment, rollout, cluster, drift, provisioner
        /// A rollout's analysis: its events are the rollout's (ordered with them, linked to it).
        case analysis
    }

    var kind: Kind? { type.split(separator: ".").first.flatMap { Kind(rawValue: String($0)) } }

    /// What an event concerns, for ordering deliveries: changes of one object stay in order.
    var objectKey: String { "\(kind == .analysis ? Kind.rollout.rawValue : kind?.rawValue ?? type):\(objectID)" }

    /// Every type there is, so filters naming another are refused.
    static let types: [String] =
        CloudDeploymentState.allCases.map { "deployment.\($0.rawValue)" }
        + ["rollout.created", "rollout.progressed", "rollout.undone", "analysis.failed"] + RolloutState.allCases.map { "rollout.\($0.rawValue)" }
        + ["cluster.created", "cluster.updated", "cluster.chart-changed", "cluster.deleted", "drift.detected", "drift.resolved"]
        + ["provisioner.healthy", "provisioner.unhealthy"]

    /// Before the store gives it an ID and a time.
    init(
        type: String,
        objectID: String,
        clusterID: String? = nil,
        service: String? = nil,
        state: String? = nil,
        version: String? = nil,
        summary: String
    ) {
        self.id = 0
        self.time = 0
        self.type = type
        self.objectID = objectID
        self.clusterID = clusterID
        self.service = service
        self.state = state
        self.version = version
        self.summary = summary
    }
}
