import ArgumentParser
import FleetAPI
import Foundation
import HTTPClient
import ServerSupport

/// Talks to the cloud server for the CLI. Failures become one readable line.
struct CLIClient {
    let http: JSONHTTPClient

    /// - Parameter token: the API token, from `CLOUD_API_TOKEN`.
    init(server: String, token: String?, tls: TLSOptions) {
        http = JSONHTTPClient(baseURL: server, timeout: 30, bearerToken: token, tls: tls)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func call(_ method: String, _ path: String, body: (some Encodable)? = Optional<String>.none) async throws -> Data {
        try await call(method, path, raw: try body.map { try WireJSON.encoder().encode($0) })
    }

    /// Sends `raw` as it is: a document the server reads as written (a profile, YAML or JSON).
    func call(_ method: String, _ path: String, raw: Data?) async throws -> Data {
        let reply: JSONHTTPClient.Reply
        do {
            reply = try await http.send(method, path, body: raw)
        } catch {
            throw Failure(description: "\(error) (is `cloud server` running? see --server)")
        }
        guard (200..<300).contains(reply.status) else {
            if let error = reply.apiError {
                throw Failure(description: error.field.map { "\(error.error) (field \($0))" } ?? error.error)
            }
            throw Failure(description: "the server answered \(reply.status)")
        }
        return reply.body
    }

    func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        try WireJSON.decoder().decode(type, from: try await call("GET", path))
    }
}

/// Printing results: indented JSON like the Go tool, or a table for people.
enum Printer {
    static func json(_ data: Data) {
        guard !data.isEmpty else { return }
        if let object = try? JSONSerialization.jsonObject(with: data),
            let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        {
            print(String(decoding: pretty, as: UTF8.self))
        } else {
            print(String(decoding: data, as: UTF8.self))
        }
    }

    static func encodable(_ value: some Encodable) throws {
        json(try WireJSON.encoder().encode(value))
    }

    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            print(
                zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                    .trimmingCharacters(in: .whitespaces)
            )
        }
    }
}
