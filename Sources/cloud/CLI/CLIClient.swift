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
            throw Failure(description: "\(error) (\(Self.hint(transport: "\(error)")))")
        }
        guard (200..<300).contains(reply.status) else {
            let hint = reply.status == 401 ? " (give the API token in CLOUD_API_TOKEN or --token-file)" : ""
            if let error = reply.apiError {
                throw Failure(description: (error.field.map { "\(error.error) (field \($0))" } ?? error.error) + hint)
            }
            throw Failure(description: "the server answered \(reply.status)\(hint)")
        }
        return reply.body
    }

    /// What to look at when no answer came: the CA for a certificate the client could not verify,
    /// else the server's address.
    static func hint(transport message: String) -> String {
        let lowered = message.lowercased()
        if ["certificate", "ssl", "tls"].contains(where: lowered.contains) {
            return "is the server's certificate signed by a CA this client trusts? see --ca (CLOUD_CA)"
        }
        return "is `cloud server` running? see --server (CLOUD_SERVER)"
    }

    func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        try WireJSON.decoder().decode(type, from: try await call("GET", path))
    }

    /// The ID of the cluster `reference` names: a registered cluster's name, else an ID as given
    /// (the server then says whether there is such a cluster).
    func clusterID(_ reference: String) async throws -> String {
        try await get("/api/clusters?name=\(Self.segment(reference))", as: [Cluster].self).first?.id ?? reference
    }

    func clusterIDs(_ references: [String]) async throws -> [String] {
        var ids: [String] = []
        for reference in references { ids.append(try await clusterID(reference)) }
        return ids
    }

    /// The path of a cluster's resource, `reference` being its ID or name.
    func clusterPath(_ reference: String, _ suffix: String = "") async throws -> String {
        "/api/cluster/\(Self.segment(try await clusterID(reference)))\(suffix)"
    }

    /// Text the user typed, as a path segment or query value: it cannot change the path or add parameters.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? text
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
