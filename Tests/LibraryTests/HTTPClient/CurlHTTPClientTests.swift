import Foundation
import HTTPClient
import TestSupport
import Testing

/// What the HTTP client reads back from an endpoint it does not control.
@Suite("HTTP client bounds", .tags(.integration), .skippedInFastRuns)
struct CurlHTTPClientTests {
    /// An endpoint answering 200 with about 200 KB.
    func longAnswer() async throws -> LocalService {
        try await LocalService.responder(statuses: [200], padding: 200_000)
    }

    @Test("an answer longer than the request's bound fails naming the bound, instead of filling memory")
    func boundedAnswer() async throws {
        let endpoint = try await longAnswer()
        defer { endpoint.stop() }
        let request = HTTPClientRequest(method: "GET", url: endpoint.url, maxResponseBytes: 10_000)

        let error = await #expect(throws: HTTPTransportError.self) { try await CurlHTTPClient().send(request) }
        #expect(error?.reason == "the answer was longer than 10000 bytes")
        #expect(error?.timedOut == false)
    }

    @Test("within the bound the whole answer is read")
    func wholeAnswer() async throws {
        let endpoint = try await longAnswer()
        defer { endpoint.stop() }
        let response = try await CurlHTTPClient().send(HTTPClientRequest(method: "GET", url: endpoint.url))
        #expect(response.status == 200 && response.body.count > 200_000)
    }

    @Test("a request that drops the body gets the status of any answer, however long")
    func discardedBody() async throws {
        let endpoint = try await longAnswer()
        defer { endpoint.stop() }
        let request = HTTPClientRequest(method: "POST", url: endpoint.url, maxResponseBytes: 10_000, discardsBody: true)
        let response = try await CurlHTTPClient().send(request)
        #expect(response.status == 200 && response.body.isEmpty)
    }

    @Test("requests one after another with a kept connection go over one; without, each opens its own")
    func keptConnection() async throws {
        let endpoint = try await LocalService.responder(statuses: [200])
        defer { endpoint.stop() }
        struct Answer: Decodable { var peer: Int }
        func peers(_ client: CurlHTTPClient) async throws -> Set<Int> {
            var peers = Set<Int>()
            for _ in 0..<3 {
                let response = try await client.send(HTTPClientRequest(method: "GET", url: endpoint.url))
                peers.insert(try JSONDecoder().decode(Answer.self, from: response.body).peer)
            }
            return peers
        }
        #expect(try await peers(CurlHTTPClient(connection: CurlConnection())).count == 1)
        #expect(try await peers(CurlHTTPClient()).count == 3)
    }
}
