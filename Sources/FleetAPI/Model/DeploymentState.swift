/// Where a deployment is in its life on a provisioner.
/// `queued` → `running` → `succeeded` | `failed`, or `cancelling` → `cancelled`.
public enum DeploymentState: String, Codable, Sendable, CaseIterable {
    case queued
    case running
    case succeeded
    case failed
    case cancelling
    case cancelled

    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}
