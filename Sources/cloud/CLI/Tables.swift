import FleetAPI
import Foundation

/// The tables `-o table` prints, one per kind of resource the server answers with; a command
/// names the one for its answer.
enum Tables {
    static var clusters: TableLayout<Cluster> {
        TableLayout(["ID", "NAME", "LABELS", "KUBERNETES", "UTILITIES"]) { cluster in
            let actual = cluster.utilities.actualVersions.compactMap { name, version in version.map { "\(name)=\($0.chart)" } }
            return [
                cluster.id, cluster.name, cluster.labels.joined(separator: ","), cluster.kubernetesVersion ?? "",
                actual.sorted().joined(separator: " "),
            ]
        }
    }

    /// A cluster's utilities, one row each.
    static var utilities: TableLayout<UtilityMetadata> {
        TableLayout(["SERVICE", "DESIRED", "ACTUAL", "DRIFT"]) { utilities in
            let services = Set(utilities.desiredVersions.keys).union(utilities.actualVersions.keys).sorted()
            return services.map { service in
                [
                    service, (utilities.desiredVersions[service] ?? nil)?.chart ?? "", (utilities.actualVersions[service] ?? nil)?.chart ?? "",
                    utilities.drift?[service]?.state.rawValue ?? "",
                ]
            }
        }
    }

    static var deployments: TableLayout<Deployment> {
        TableLayout(["ID", "CLUSTER", "SERVICE", "ACTION", "VERSION", "STATE", "ATTEMPTS", "ERROR"]) {
            [
                $0.id, $0.clusterID, $0.service.rawValue, $0.action.rawValue, $0.chart?.version ?? "default", $0.state.rawValue,
                "\($0.attempts)", $0.error ?? "",
            ]
        }
    }

    static var webhooks: TableLayout<WebhookView> {
        TableLayout(["ID", "TARGET", "FORMAT", "EVENTS", "PENDING", "LAST DELIVERED", "LAST ERROR"]) { hook in
            [
                hook.id, hook.target, hook.format.rawValue, hook.events.isEmpty ? "all" : hook.events.joined(separator: ","),
                "\(hook.health.pending)", time(hook.health.lastDeliveredAt),
                hook.health.lastError.map { "\(time(hook.health.lastErrorAt)) \($0)" } ?? "-",
            ]
        }
    }

    static var auditEntries: TableLayout<AuditEntry> {
        TableLayout(["ID", "TIME", "ACTOR", "ROLE", "METHOD", "PATH", "STATUS", "TARGETS"]) {
            [
                "\($0.id)", time($0.time), $0.actor ?? "-", $0.role?.rawValue ?? "-", $0.method, $0.path, "\($0.status)",
                $0.targets.joined(separator: ","),
            ]
        }
    }

    static var profiles: TableLayout<ProfileRoutes.Summary> {
        TableLayout(["NAME", "REVISION", "CLUSTERS", "AUTHOR"]) { [$0.name, String($0.revision), String($0.clusters), $0.author ?? ""] }
    }

    /// A time in milliseconds since the epoch, as ISO 8601; "-" for none.
    static func time(_ milliseconds: Int64) -> String {
        milliseconds == 0 ? "-" : ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
