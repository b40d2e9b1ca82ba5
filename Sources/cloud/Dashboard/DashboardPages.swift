import FleetAPI
import Foundation

/// One cluster: its utilities (desired, actual, drift) and its newest deployments with the end
/// of their logs. No kubeconfig: the store never hands one to a page.
struct ClusterPage: Sendable {
    struct Utility: Sendable {
        var service: String
        var desired: String
        var actual: String
        var drift: String
        var drifted: Bool
        var reasons: [String]
    }

    struct DeploymentSummary: Sendable {
        var id: String
        var action: String
        var service: String
        var version: String
        var state: String
        var stateClass: String
        var created: String
        var error: String?
        var logTail: String
    }

    var page: PageContext
    var cluster: Cluster
    var labels: String
    var registered: String
    var utilities: [Utility]
    var deployments: [DeploymentSummary]

    init(_ cluster: Cluster, deployments: [Deployment], page: PageContext) {
        self.page = page
        self.cluster = cluster
        labels = cluster.labels.isEmpty ? "-" : cluster.labels.joined(separator: ", ")
        registered = PageContext.time(cluster.createAt)
        let services = Set(cluster.utilities.desiredVersions.keys).union(cluster.utilities.actualVersions.keys).sorted()
        utilities = services.map { service in
            let drift = cluster.utilities.drift?[service]
            return Utility(
                service: service,
                desired: cluster.utilities.desiredVersions[service].flatMap { $0?.chart } ?? "-",
                actual: cluster.utilities.actualVersions[service].flatMap { $0?.chart } ?? "-",
                drift: drift.map { "\($0.state.rawValue) at \(PageContext.time($0.checkedAt))" } ?? "not checked",
                drifted: drift?.state == .drifted,
                reasons: drift?.reasons ?? []
            )
        }
        self.deployments = deployments.map { deployment in
            DeploymentSummary(
                id: deployment.id,
                action: deployment.action.rawValue,
                service: deployment.service.rawValue,
                version: deployment.chart?.version ?? "",
                state: deployment.state.rawValue,
                stateClass: PageContext.stateClass(deployment.state.rawValue),
                created: PageContext.time(deployment.createAt),
                error: deployment.error,
                logTail: deployment.log.suffix(5).joined(separator: "\n")
            )
        }
    }
}

/// One deployment: every field but its values (they may hold secrets), its plan and its log.
struct DeploymentPage: Sendable {
    struct Field: Sendable {
        var name: String
        var value: String
    }

    var page: PageContext
    var id: String
    var clusterID: String
    var service: String
    var action: String
    var version: String
    var state: String
    var stateClass: String
    var fields: [Field]
    var plan: String?
    var log: String

    init(_ deployment: Deployment, page: PageContext) {
        self.page = page
        id = deployment.id
        clusterID = deployment.clusterID
        service = deployment.service.rawValue
        action = deployment.action.rawValue
        version = deployment.chart?.version ?? ""
        state = deployment.state.rawValue
        stateClass = PageContext.stateClass(state)
        func json(_ value: (some Encodable)?) -> String? {
            guard let value else { return nil }
            let encoder = WireJSON.encoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
        }
        let all: [(String, String?)] = [
            ("State", deployment.state.rawValue), ("Action", deployment.action.rawValue), ("Service", deployment.service.rawValue),
            ("Cluster", deployment.clusterID), ("Chart version", deployment.chart?.version), ("Chart repository", deployment.chart?.repository),
            ("Chart digest", deployment.chartDigest ?? deployment.chart?.digest),
            ("Chart verification", Self.verification(deployment.chartVerification)),
            ("Values", deployment.values == nil ? nil : "given (not shown: values may hold secrets)"),
            ("Timeout", deployment.timeoutSeconds.map { "\($0) s" }), ("Test", deployment.test.map { "\($0)" }),
            ("Attempts", "\(deployment.attempts)"), ("Provisioner", deployment.provisioner),
            ("Provisioner's ID", deployment.provisionerDeploymentID), ("Waiting", deployment.waiting), ("Depends on", deployment.dependsOn),
            ("Error", deployment.error), ("Earlier failures", deployment.failures.map { $0.joined(separator: "\n") }),
            ("Retries", deployment.retry.map { "\($0.retries), first after \($0.backoffSeconds) s" }), ("Retry of", deployment.retryOf),
            ("Release", json(deployment.release)), ("Remediation", json(deployment.remediation)), ("Recovery", json(deployment.recovery)),
            ("Created", PageContext.time(deployment.createAt)), ("Updated", PageContext.time(deployment.updateAt)),
            ("Ended", deployment.endAt > 0 ? PageContext.time(deployment.endAt) : nil),
        ]
        fields = all.compactMap { name, value in value.map { Field(name: name, value: $0) } }
        plan = deployment.plan.map { plan in
            ([plan.hasChanges ? "\(plan.added) to add, \(plan.changed) to change, \(plan.removed) to remove" : "no changes"]
                + plan.objects.map { "\($0.change.rawValue) \($0.object)\n\($0.diff)" }).joined(separator: "\n")
        }
        log = deployment.log.isEmpty ? "(nothing yet)" : deployment.log.joined(separator: "\n")
    }
}

extension DeploymentPage {
    /// "verified: signed by NAME <EMAIL>, key FINGERPRINT, sha256:...", or why not.
    static func verification(_ verification: ChartVerification?) -> String? {
        guard let verification else { return nil }
        guard verification.verified else { return "unverified: \(verification.reason ?? "no signature")" }
        let signers = (verification.signedBy ?? []).joined(separator: ", ")
        return "verified: signed by \(signers), key \(verification.fingerprint ?? "?"), \(verification.hash ?? "")"
    }
}

/// A rollout's progress as the rollouts page and its own page show it.
struct RolloutSummary: Sendable {
    var id: String
    var service: String
    var version: String
    var state: String
    var stateClass: String
    var selection: String
    var done: Int
    var total: Int
    var percent: Int
    var wave: Int
    var waves: Int
    var counts: String
    var eta: String?
    var error: String?
    var canPause: Bool
    var canResume: Bool
    var canApprove: Bool
    var canCancel: Bool

    init(_ rollout: Rollout, now: Int64) {
        let report = RolloutReport(rollout: rollout, now: now)
        id = rollout.id
        service = rollout.service.rawValue
        version = rollout.target.chart?.version ?? ""
        state = rollout.state.rawValue
        stateClass = PageContext.stateClass(state)
        selection = rollout.selection
        total = rollout.clusters.count
        done = rollout.clusters.filter(\.state.isFinal).count
        percent = total == 0 ? 100 : done * 100 / total
        wave = min(max(rollout.wave + 1, 0), rollout.waves.count)
        waves = rollout.waves.count
        let counts = report.counts
        self.counts = [
            ("succeeded", counts.succeeded), ("failed", counts.failed), ("running", counts.running), ("waiting", counts.waiting),
            ("skipped", counts.skipped), ("cancelled", counts.cancelled),
        ].filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
        eta = report.etaSeconds.map { $0 >= 120 ? "\($0 / 60) min" : "\($0) s" }
        error = rollout.error
        canPause = [.running, .soaking, .waitingApproval].contains(rollout.state)
        canResume = rollout.state == .paused || rollout.state == .halted
        canApprove = rollout.state == .waitingApproval
        canCancel = !rollout.state.isFinal
    }
}

struct RolloutsPage: Sendable {
    var page: PageContext
    var rollouts: [RolloutSummary]
}

struct ProvisionersPage: Sendable {
    struct Instance: Sendable {
        var url: String
        var health: String
        var stateClass: String
        var inFlight: Int
        var checked: String
    }

    var page: PageContext
    var instances: [Instance]

    init(_ instances: [ProvisionerPool.Instance], page: PageContext) {
        self.page = page
        self.instances = instances.map {
            let health = $0.healthy ? "healthy" : "unhealthy"
            return Instance(
                url: $0.url,
                health: health,
                stateClass: PageContext.stateClass(health),
                inFlight: $0.inFlight,
                checked: PageContext.time($0.lastCheckAt)
            )
        }
    }
}
