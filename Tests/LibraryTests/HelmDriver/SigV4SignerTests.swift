import Foundation
import Testing

@testable import HTTPClient
@testable import HelmDriver

/// AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite): service "service",
/// region us-east-1, 2015-08-30T12:36:00Z, credentials AKIDEXAMPLE.
@Suite("SigV4 signing against AWS's test vectors")
struct SigV4SignerTests {
    let signer = SigV4Signer(service: "service", region: "us-east-1")
    let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    let date = Date(timeIntervalSince1970: 1_440_938_160)

    func authorization(_ method: String, _ url: String) -> String? {
        var request = HTTPClientRequest(method: method, url: url)
        signer.sign(&request, credentials: credentials, date: date, includeContentHash: false)
        return request.headers.first { $0.name == "Authorization" }?.value
    }

    func expected(_ signature: String) -> String {
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(signature)"
    }

    @Test("get-vanilla")
    func getVanilla() {
        #expect(
            authorization("GET", "https://example.amazonaws.com/") == expected("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        )
    }

    @Test("get-vanilla-query-order-key-case")
    func queryOrder() {
        #expect(
            authorization("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1")
                == expected("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
        )
    }

    @Test("get-vanilla-empty-query-key")
    func emptyQueryKey() {
        #expect(
            authorization("GET", "https://example.amazonaws.com/?Param1=value1")
                == expected("a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb")
        )
    }

    @Test("post-vanilla")
    func postVanilla() {
        #expect(
            authorization("POST", "https://example.amazonaws.com/") == expected("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
        )
    }

    @Test("the timestamp header is the vector's")
    func timestamp() {
        #expect(SigV4Signer.timestamp(date) == "20150830T123600Z")
    }

    @Test("a session token is sent and signed; the secret never appears")
    func sessionToken() {
        var request = HTTPClientRequest(method: "GET", url: "https://example.amazonaws.com/")
        let temporary = AWSCredentials(accessKeyID: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN")
        signer.sign(&request, credentials: temporary, date: date)
        #expect(request.headers.contains { $0.name == "X-Amz-Security-Token" && $0.value == "TOKEN" })
        #expect(request.headers.first { $0.name == "Authorization" }?.value.contains("x-amz-security-token") == true)
        #expect(!request.headers.contains { $0.value.contains("SECRET") })
        #expect(!"\(temporary)".contains("SECRET"))
    }
}
