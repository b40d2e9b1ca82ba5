import FleetAPI
import Foundation
import HTTPClient

/// Reads a Prometheus server's instant queries (`GET /api/v1/query`), as a rollout's analysis
/// judges a wave by them. Each query is bounded in time (sent to Prometheus as its own `timeout`
/// too, so the server stops evaluating when we stop waiting) and in the size of its answer: the
/// server is an operator's, reached at an address the analysis names.
struct PrometheusClient: Sendable {
    /// The server's base URL, e.g. `http://prometheus.monitoring:9090`.
    var baseURL: String
    var bearerToken: String?
    /// The address to connect to, checked by the caller's policy (nil: the host's own lookup).
    var address: String? = nil
    var timeout: Duration = .seconds(10)
    /// A check reads a handful of series; a query that matches thousands is a mistake, not data.
    var maxResponseBytes = 1 << 20
    var http = CurlHTTPClient()

    /// One series of an instant query's answer (a scalar answer is one series without labels).
    struct Sample: Sendable, Equatable {
        var labels: [String: String]
        var value: Double
    }

    enum Failure: Error, Equatable, CustomStringConvertible {
        /// No answer: the server is down, unreachable or too slow. An evaluation is inconclusive.
        case unavailable(String)
        /// Prometheus refused the query itself (`bad_data`): its own words, e.g. the parse error.
        case badQuery(String)
        /// Any other error Prometheus reported, or an answer that is not its API's.
        case failed(String)

        var description: String {
            switch self {
            case .unavailable(let why): "Prometheus did not answer: \(why)"
            case .badQuery(let why): "Prometheus refused the query: \(why)"
            case .failed(let why): "Prometheus failed the query: \(why)"
            }
        }
    }

    /// The query's value at `time` (now by default): one sample per series; empty when it
    /// matched no series (no data).
    func query(_ promql: String, at time: Date? = nil) async throws(Failure) -> [Sample] {
        var parameters = [("query", promql), ("timeout", "\(max(1, timeout.components.seconds))s")]
        if let time { parameters.append(("time", String(format: "%.3f", time.timeIntervalSince1970))) }
        let query = parameters.map { "\($0)=\(Self.formEncoded($1))" }.joined(separator: "&")
        let request = HTTPClientRequest(
            method: "GET",
            url: baseURL.trimmingSuffix("/") + "/api/v1/query?" + query,
            headers: bearerToken.map { [(name: "Authorization", value: "Bearer \($0)")] } ?? [],
            timeout: timeout,
            address: address,
            maxResponseBytes: maxResponseBytes
        )
        let response: HTTPClientResponse
        do {
            response = try await http.send(request)
        } catch {
            throw .unavailable(error.reason)
        }
        return try Self.samples(status: response.status, body: response.body)
    }

    /// The API's envelope: `{"status": "success", "data": {"resultType", "result"}}` or
    /// `{"status": "error", "errorType", "error"}` (Prometheus's web/api/v1 answers 400 with
    /// `bad_data` for a query it cannot parse, 422 `execution` and 503 `timeout`/`canceled` when
    /// evaluating fails).
    static func samples(status: Int, body: Data) throws(Failure) -> [Sample] {
        guard let envelope = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            if status == 503 || status == 502 || status == 504 { throw .unavailable("HTTP \(status)") }
            throw .failed("HTTP \(status), not an answer of the Prometheus API")
        }
        guard envelope["status"] as? String == "success" else {
            let message = (envelope["error"] as? String).map { String($0.prefix(1000)) } ?? "HTTP \(status)"
            switch envelope["errorType"] as? String {
            case "bad_data": throw .badQuery(message)
            case "timeout", "canceled", "unavailable": throw .unavailable(message)
            default: throw .failed(message)
            }
        }
        guard let data = envelope["data"] as? [String: Any], let type = data["resultType"] as? String else {
            throw .failed("an answer without data")
        }
        switch type {
        case "scalar":
            guard let pair = data["result"] as? [Any], let value = Self.value(pair) else { throw .failed("an unreadable scalar") }
            return [Sample(labels: [:], value: value)]
        case "vector":
            guard let series = data["result"] as? [[String: Any]] else { throw .failed("an unreadable vector") }
            return try series.map { item throws(Failure) in
                guard let pair = item["value"] as? [Any], let value = Self.value(pair) else { throw .failed("an unreadable sample") }
                return Sample(labels: item["metric"] as? [String: String] ?? [:], value: value)
            }
        default:
            // A range vector (`rate(x[5m])` is fine; `x[5m]` alone is not) or a string.
            throw .badQuery("the query answers a \(type), not an instant vector or a scalar")
        }
    }

    /// Everything but unreserved ASCII percent-encoded: `+` must not arrive as a space, nor `&` or
    /// `=` split a query that holds them.
    static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `[unix time, "value"]`: Prometheus writes values as strings ("NaN", "+Inf" included).
    private static func value(_ pair: [Any]) -> Double? {
        guard pair.count == 2, let text = pair[1] as? String else { return nil }
        return Double(text)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
