import Foundation
import Testing

@testable import FleetAPI

@Suite("The wire's PascalCase keys")
struct WireJSONTests {
    @Test(
        "a property's wire name is PascalCase with its leading initialism in capitals, and reads back",
        arguments: [
            ("clusterID", "ClusterID"), ("id", "ID"), ("dns", "DNS"), ("eks", "EKS"), ("s3", "S3"), ("url", "URL"),
            ("etaSeconds", "ETASeconds"), ("privateHostedZoneID", "PrivateHostedZoneID"), ("secretID", "SecretID"),
            ("kubeconfigSource", "KubeconfigSource"), ("identity", "Identity"), ("urls", "Urls"),
        ]
    )
    func namesRoundTrip(_ property: String, _ wire: String) {
        #expect(WireJSON.wireName(forProperty: property) == wire)
        #expect(WireJSON.propertyName(forWireName: wire) == property)
    }

    @Test("a key that is no Swift name is the wire's spelling already")
    func otherKeysStay() {
        #expect(WireJSON.wireName(forProperty: "utility-versions") == "utility-versions")
        #expect(WireJSON.propertyName(forWireName: "utility-versions") == "utility-versions")
    }

    @Test("a request is written with the Go tool's keys, its values' keys as given, and reads back the same")
    func requestKeys() throws {
        let request = DeploymentRequest(
            id: "d1",
            clusterID: "c1",
            service: "prometheus",
            action: .apply,
            chart: ChartRequest(version: "25.18.0"),
            values: ["server": ["replicaCount": 2, "DNS": "kept"]],
            kubeconfig: "k",
            kubeconfigSource: KubeconfigSource(eks: .init(cluster: "prod", region: "us-east-1")),
            timeoutSeconds: 60
        )
        let data = try WireJSON.encoder().encode(request)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == ["ID", "ClusterID", "Service", "Action", "Chart", "Values", "Kubeconfig", "KubeconfigSource", "TimeoutSeconds"]
        )
        #expect((object["KubeconfigSource"] as? [String: Any])?.keys.sorted() == ["EKS"])
        #expect(((object["Values"] as? [String: Any])?["server"] as? [String: Any])?.keys.sorted() == ["DNS", "replicaCount"])
        #expect(try WireJSON.decoder().decode(DeploymentRequest.self, from: data) == request)
    }

    struct Versions: Decodable {
        struct Version: Decodable { var chartVersion: String }
        var utilities: [String: Version]
    }

    @Test("an error's path names a type's keys as the wire does and a dictionary's as given")
    func errorPaths() {
        let body = Data(#"{"Utilities": {"prometheus": {"ChartVersion": 1}}}"#.utf8)
        do {
            _ = try WireJSON.decoder().decode(Versions.self, from: body)
            Issue.record("decoded a number as a string")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(WireJSON.wireName(of:)) == ["Utilities", "prometheus", "ChartVersion"])
        } catch {
            Issue.record("\(error)")
        }
    }
}
