import FleetAPI

/// A registered Kubernetes cluster. The kubeconfig is kept by the store and never leaves it
/// through the API.
struct Cluster: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var dns: DNSConfig?
    var labels: [String]
    var utilities: UtilityMetadata
    var createAt: Int64
    /// As its API server last said (`GET /version`, e.g. `v1.30.2-eks-1552ad0`); nil until read.
    var kubernetesVersion: String? = nil

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case dns
        case labels
        case utilities = "utilityMetadata"
        case createAt
        case kubernetesVersion
    }

    /// This cluster's drift policy over the server's `--drift-correction`: the label
    /// `drift-correction=warn` or `drift-correction=correct`, given at `cluster register`.
    var driftCorrection: DriftMonitor.Policy? {
        labels.lazy.compactMap { label in
            label.hasPrefix("drift-correction=") ? DriftMonitor.Policy(rawValue: String(label.dropFirst("drift-correction=".count))) : nil
        }.first
    }
}

/// Desired and actual utility versions keyed by service, like the Go tool's UtilityMetadata.
struct UtilityMetadata: Codable, Sendable, Equatable {
    var desiredVersions: [String: UtilityVersion?]
    var actualVersions: [String: UtilityVersion?]
    /// The Helm release each actual version was seen at: what keeps the record in the order the
    /// provisioners applied (`recordFinished`).
    var actualReleases: [String: RecordedRelease]?
    /// The last drift check of each utility.
    var drift: [String: DriftStatus]?

    init(desiredVersions: [String: UtilityVersion?] = [:], actualVersions: [String: UtilityVersion?] = [:]) {
        self.desiredVersions = desiredVersions
        self.actualVersions = actualVersions
    }

    /// How many utilities the last checks found drifted; the store keeps it in a column of its own.
    var driftedCount: Int { (drift ?? [:]).values.filter { $0.state == .drifted }.count }
}

/// A utility's last drift check: in sync or drifted (with a reason per finding), and when.
struct DriftStatus: Codable, Sendable, Equatable {
    var state: DriftReport.State
    var reasons: [String]
    var checkedAt: Int64
}

/// The release an actual version was seen at: its revision, and which installation of the release
/// it belongs to (revisions start again at 1 after an uninstall).
struct RecordedRelease: Codable, Sendable, Equatable {
    var revision: Int
    var firstDeployed: String?
    /// The digest of the chart it was installed from (an OCI manifest digest, or an archive's sha256).
    var chartDigest: String? = nil
}

extension RecordedRelease {
    init(_ release: ReleaseInfo, chartDigest: String? = nil) {
        self.init(revision: release.revision, firstDeployed: release.firstDeployed, chartDigest: chartDigest)
    }
}

/// The Go tool's HelmUtilityVersion: a chart version and where its values come from.
struct UtilityVersion: Codable, Sendable, Equatable {
    var chart: String
    var valuesPath: String

    init(chart: String, valuesPath: String = "") {
        self.chart = chart
        self.valuesPath = valuesPath
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        chart = try container.decode(String.self, forKey: .chart)
        valuesPath = try container.decodeIfPresent(String.self, forKey: .valuesPath) ?? ""
    }
}

/// A cluster as the fleet is filtered and paged: what a name or label filter reads of it.
struct ClusterSummary: Sendable, Equatable {
    var id: String
    var name: String
    var labels: [String]
    /// For profile templates (`cluster.privateDomain`, `cluster.kubernetesVersion`).
    var privateDomain: String? = nil
    var kubernetesVersion: String? = nil
}
