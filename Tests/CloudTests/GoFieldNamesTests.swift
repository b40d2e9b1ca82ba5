import FleetAPI
import Foundation
import Testing

@testable import cloud

/// The wire's keys held to the Go tool's own: the field names of mattermost-cloud's structs
/// (commit 06adb2ad, `model/cluster.go` `Cluster`, `model/cluster_utility.go` `UtilityMetadata` and
/// `HelmUtilityVersion`), which Go's encoding/json writes as they are. A key spelled by `WireJSON`
/// must come out as Go spells it, whatever Swift calls the property.
@Suite("The Go tool's field names")
struct GoFieldNamesTests {
    func keys(_ value: some Encodable) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: WireJSON.encoder().encode(value)) as? [String: Any]
        return Set(object?.keys.map { $0 } ?? [])
    }

    @Test("a cluster has Go's ID, Name, UtilityMetadata and CreateAt, its versions Chart and ValuesPath")
    func cluster() throws {
        let version = UtilityVersion(chart: "4.15.1", valuesPath: "values.yaml")
        let cluster = Cluster(
            id: "c1",
            name: "edge",
            dns: nil,
            labels: [],
            utilities: UtilityMetadata(desiredVersions: ["nginx": version], actualVersions: ["nginx": version]),
            createAt: 1
        )
        #expect(try keys(cluster).isSuperset(of: ["ID", "Name", "UtilityMetadata", "CreateAt"]))
        #expect(try keys(cluster.utilities).isSuperset(of: ["DesiredVersions", "ActualVersions"]))
        #expect(try keys(version) == ["Chart", "ValuesPath"])
    }
}
