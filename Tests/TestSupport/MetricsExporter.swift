import Foundation
import FoundationNetworking

/// `testbed/metrics-exporter`: one `app_error_ratio{cluster="NAME"}` gauge per emulated cluster on
/// loopback, for `LocalPrometheus` to scrape; a test raises a cluster's error rate with `set`.
public final class MetricsExporter: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let url: String
    private let server: ReadyProcess

    public static func start(clusters: [String], value: Double = 0.01) async throws -> MetricsExporter {
        let server = try await ReadyProcess.start(
            "\(Testbed.root)/metrics-exporter",
            ["--clusters", clusters.joined(separator: ","), "--value", "\(value)"]
        )
        return MetricsExporter(url: server.address, server: server)
    }

    private init(url: String, server: ReadyProcess) {
        self.url = url
        self.server = server
    }

    /// `HOST:PORT`, as a scrape target names it.
    public var target: String { String(url.dropFirst("http://".count)) }

    /// Sets the cluster's error ratio (`*`: every cluster's).
    public func set(_ cluster: String, _ value: Double) async throws {
        var request = URLRequest(url: URL(string: "\(url)/clusters/\(cluster)?value=\(value)")!)
        request.httpMethod = "PUT"
        let (_, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw ReadyProcess.Failure(description: "the exporter refused \(cluster)=\(value)")
        }
    }

    public func stop() { server.stop() }
}
