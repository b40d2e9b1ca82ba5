import Foundation
import HTTPClient
public import HelmDriver

/// AWS resources the tests make in moto with raw calls (the product never creates them).
public enum AWSFixtures {
    /// Creates a private hosted zone for `domain` and returns its ID.
    public static func createPrivateZone(_ client: AWSClient, domain: String) async throws -> String {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?><CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">\
            <Name>\(domain)</Name><CallerReference>\(UUID())</CallerReference><HostedZoneConfig><PrivateZone>true</PrivateZone>\
            </HostedZoneConfig><VPC><VPCRegion>us-east-1</VPCRegion><VPCId>vpc-12345678</VPCId></VPC></CreateHostedZoneRequest>
            """
        let response = try await client.send(.route53, method: "POST", path: "/2013-04-01/hostedzone", body: Data(body.utf8))
        guard let match = response.text.firstMatch(of: /<Id>\/hostedzone\/([^<]+)<\/Id>/) else {
            throw ServerProcess.StartFailure(log: "moto created no zone: \(response.text)")
        }
        return String(match.output.1)
    }
}
