import FleetAPI
import Foundation
import HTTPClient

/// Reads an analysis's queries from the Prometheus servers its URL names: only at addresses the
/// policy allows (`--allowed-metrics-source`; checked again on the address a name resolves to,
/// which the connection is then pinned to), with the bearer token the analysis names by name.
struct MetricsReader: Sendable {
    struct Configuration: Sendable {
        var policy = AddressPolicy.metricsSources
        /// Token files by name (`--metrics-token NAME=FILE`), read on every query, so a rotated
        /// token is used at once.
        var tokens: [String: String] = [:]
        var timeout: Duration = .seconds(10)
    }

    let configuration: Configuration
    private let http = CurlHTTPClient()

    init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    var tokenNames: Set<String> { Set(configuration.tokens.keys) }

    /// The query's samples from the Prometheus at `url`. A refused address, an unreadable token
    /// or no answer are all `unavailable`: the evaluation is inconclusive, not the cluster's fault.
    func query(_ promql: String, url: String, token: String?) async throws(PrometheusClient.Failure) -> [PrometheusClient.Sample] {
        let address: IPAddress
        do {
            address = try await configuration.policy.resolve(try URLTarget(parsing: url))
        } catch let refusal as AddressPolicy.Refusal {
            throw .unavailable("\(url) is refused: \(refusal) (--allowed-metrics-source)")
        } catch {
            throw .unavailable("\(url) is not a URL: \(error)")
        }
        var bearer: String?
        if let token {
            guard let file = configuration.tokens[token], let text = try? String(contentsOfFile: file, encoding: .utf8),
                let first = text.split(whereSeparator: \.isWhitespace).first
            else { throw .unavailable("the metrics token \(token) cannot be read") }
            bearer = String(first)
        }
        let client = PrometheusClient(baseURL: url, bearerToken: bearer, address: address.description, timeout: configuration.timeout, http: http)
        return try await client.query(promql)
    }
}
