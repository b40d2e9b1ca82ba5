/// The subset of the release document that we read: what `helm upgrade|status -o json` prints,
/// and what Helm's storage keeps (`StoredRelease`), which is the same JSON with the manifest.
struct ReleaseDocument: Decodable {
    struct Info: Decodable { var status: ReleaseStatus }
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

    var releaseInfo: ReleaseInfo {
        ReleaseInfo(
            name: name,
            namespace: namespace,
            revision: version,
            status: info.status,
            chart: chart.map { "\($0.metadata.name)-\($0.metadata.version)" } ?? ""
        )
    }
}
