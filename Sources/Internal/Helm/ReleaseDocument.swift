/// The subset of the release document `helm upgrade|status -o json` prints that we read.
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
