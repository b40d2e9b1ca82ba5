import FleetAPI

/// The subset of the release document that we read: what `helm upgrade|status -o json` prints,
/// and what Helm's storage keeps (`StoredRelease`), which is the same JSON with the manifest.
struct ReleaseDocument: Decodable {
    struct Info: Decodable {
        var status: ReleaseStatus
        var firstDeployed: String?

        enum CodingKeys: String, CodingKey {
            case status
            case firstDeployed = "first_deployed"
        }
    }
    struct Chart: Decodable {
        struct Metadata: Decodable {
            var name: String
            var version: String
        }
        var metadata: Metadata
    }
    var name: String
    var namespace: String
    var version: Int
    var info: Info
    var chart: Chart?
    var manifest: String?
    /// Helm 4: `ssa` or `csa`, how the revision was applied (pkg/release/v1/release.go); absent
    /// from releases Helm 3 made, which are client-side.
    var applyMethod: String?

    enum CodingKeys: String, CodingKey {
        case name, namespace, version, info, chart, manifest
        case applyMethod = "apply_method"
    }

    var releaseInfo: ReleaseInfo {
        ReleaseInfo(
            name: name,
            namespace: namespace,
            revision: version,
            status: info.status,
            chart: chart.map { "\($0.metadata.name)-\($0.metadata.version)" } ?? "",
            firstDeployed: info.firstDeployed
        )
    }
}
