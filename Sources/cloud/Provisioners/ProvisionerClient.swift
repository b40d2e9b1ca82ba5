import FleetAPI
import Foundation
import HTTPClient
import ServerSupport

/// The provisioner API as the cloud server uses it.
struct ProvisionerClient: Sendable {
    /// The instance's key (see `ProvisionerResolver.Instance`), as deployments record it.
    let url: String
    private let http: JSONHTTPClient
    /// For the change feed's long polls, which the provisioner may hold open for up to `longPoll`.
    private let feed: JSONHTTPClient
    static let longPoll = 20

    init(_ instance: ProvisionerResolver.Instance, token: String?, tls: TLSOptions, timeout: TimeInterval = 10) {
        self.url = instance.key
        self.http = JSONHTTPClient(baseURL: instance.url, timeout: timeout, bearerToken: token, tls: tls, address: instance.address)
        self.feed = JSONHTTPClient(
            baseURL: instance.url,
            timeout: timeout + TimeInterval(Self.longPoll),
            bearerToken: token,
            tls: tls,
            address: instance.address
        )
    }

    enum Failure: Error, CustomStringConvertible {
        case unreachable(String)
        /// The provisioner refused the request itself (4xx): sending it again will not help.
        case rejected(status: Int, message: String)
        /// Draining, or failing: another instance, or later, may do.
        case unavailable(status: Int, message: String)

        var description: String {
            switch self {
            case .unreachable(let reason): reason
            case .rejected(let status, let message), .unavailable(let status, let message): "\(status): \(message)"
            }
        }
    }

    /// Queues a deployment; the same ID and body again is harmless (the provisioner answers 200).
    func submit(_ request: DeploymentRequest) async throws(Failure) -> DeploymentStatus {
        let reply = try await call("POST", "/api/deployments", body: try? WireJSON.encoder().encode(request))
        return try decode(reply)
    }

    /// Drift checks of one cluster's releases, answered in the reply; nil when the provisioner
    /// has no `/api/checks` (an older version): checks then go as check deployments.
    func check(_ request: DriftCheckRequest) async throws(Failure) -> DriftCheckResults? {
        var client = http
        client.timeout += TimeInterval(request.timeoutSeconds ?? 0)
        let reply: JSONHTTPClient.Reply
        do {
            reply = try await client.send("POST", "/api/checks", body: try? WireJSON.encoder().encode(request))
        } catch {
            throw .unreachable(error.description)
        }
        if reply.status == 404 { return nil }
        return try decode(reply, as: DriftCheckResults.self)
    }

    /// nil when the provisioner does not know the deployment (it restarted, or never got it).
    func status(_ id: String) async throws(Failure) -> DeploymentStatus? {
        let reply = try await call("GET", "/api/deployment/\(id)")
        if reply.status == 404 { return nil }
        return try decode(reply)
    }

    /// Asks the provisioner to terminate; nil when it no longer knows the deployment. A deployment
    /// that already finished (409) is reported as it is.
    func cancel(_ id: String) async throws(Failure) -> DeploymentStatus? {
        let reply = try await call("DELETE", "/api/deployment/\(id)")
        if reply.status == 404 { return nil }
        if reply.status == 409 { return try await status(id) }
        return try decode(reply)
    }

    /// Status changes after `sequence`, waiting up to `longPoll` seconds for one. nil when the
    /// provisioner has no change feed (an older version): following then relies on polling.
    func changes(after sequence: UInt64) async throws(Failure) -> DeploymentChanges? {
        let reply: JSONHTTPClient.Reply
        do {
            reply = try await feed.send("GET", "/api/deployments/changes?after=\(sequence)&wait=\(Self.longPoll)")
        } catch {
            throw .unreachable(error.description)
        }
        if reply.status == 404 { return nil }
        guard reply.status == 200, let changes = try? reply.decode(DeploymentChanges.self) else {
            throw .unavailable(status: reply.status, message: reply.apiError?.error ?? "unreadable change feed")
        }
        return changes
    }

    /// Whether it takes work, and how much it runs at once (nil: it does not say, as older
    /// versions do not).
    func readiness() async -> (ready: Bool, maxConcurrent: Int?) {
        guard let reply = try? await http.send("GET", "/readyz") else { return (false, nil) }
        return (reply.status == 200, (try? reply.decode(Readiness.self))?.maxConcurrent)
    }

    /// The services the provisioner can deploy, with what each needs first.
    func services() async -> [ServiceDescription]? {
        guard let reply = try? await http.send("GET", "/api/services"), reply.status == 200 else { return nil }
        return try? reply.decode([ServiceDescription].self)
    }

    /// The chart versions of `service` the provisioner can deploy; nil when it cannot say (an older
    /// version without the endpoint, unreachable, or its chart source unreadable).
    func chartVersions(of service: ServiceName, refresh: Bool) async -> ChartVersions? {
        var client = http
        // A refresh downloads the repository's index, which for a large repository takes a while.
        if refresh { client.timeout += 50 }
        let path = "/api/service/\(service.rawValue)/versions\(refresh ? "?refresh=true" : "")"
        guard let reply = try? await client.send("GET", path), reply.status == 200 else { return nil }
        return try? reply.decode(ChartVersions.self)
    }

    private func call(_ method: String, _ path: String, body: Data? = nil) async throws(Failure) -> JSONHTTPClient.Reply {
        do {
            return try await http.send(method, path, body: body)
        } catch {
            throw .unreachable(error.description)
        }
    }

    private func decode(_ reply: JSONHTTPClient.Reply) throws(Failure) -> DeploymentStatus {
        try decode(reply, as: DeploymentStatus.self)
    }

    private func decode<Answer: Decodable>(_ reply: JSONHTTPClient.Reply, as type: Answer.Type) throws(Failure) -> Answer {
        let message = reply.apiError?.error ?? String(decoding: reply.body.prefix(200), as: UTF8.self)
        switch reply.status {
        case 200..<300:
            guard let answer = try? reply.decode(type) else {
                throw .unavailable(status: reply.status, message: "unreadable answer")
            }
            return answer
        case 400..<500: throw .rejected(status: reply.status, message: message)
        default: throw .unavailable(status: reply.status, message: message)
        }
    }
}
