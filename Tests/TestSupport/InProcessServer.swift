import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Internal

/// A server's router served from this process on a free loopback port: route tests with the
/// real middleware and error bodies, and no process to start.
public final class InProcessServer: Sendable {
    public let baseURL: String
    private let task: Task<Void, any Error>

    private init(baseURL: String, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.task = task
    }

    public static func start(_ router: Router<BasicRequestContext>) async throws -> InProcessServer {
        let address = "127.0.0.1:\(Testbed.freePort())"
        let app = try ServerSupport.application(
            router: router, name: "test server", address: ListenAddress(address)!, logger: Testbed.logger)
        let server = InProcessServer(baseURL: "http://\(address)", task: Task { try await app.runService() })
        let deadline = ContinuousClock.now + .seconds(10)
        while (try? await server.request("GET", "/healthz"))?.status != 200 {
            guard ContinuousClock.now < deadline else {
                server.stop()
                throw ServerProcess.StartFailure(log: "the in-process server on \(address) did not answer")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return server
    }

    public func request(_ method: String, _ path: String, body: Data? = nil) async throws -> ServerProcess.Reply {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 30
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ServerProcess.Reply(status: (response as! HTTPURLResponse).statusCode, body: data)
    }

    public func post(_ path: String, json: some Encodable) async throws -> ServerProcess.Reply {
        try await request("POST", path, body: try JSONEncoder().encode(json))
    }

    public func stop() { task.cancel() }
}
