public import FleetAPI
public import Foundation
import HTTPClient

/// A small Kubernetes REST client over libcurl, authenticated as the kubeconfig says (bearer token,
/// client certificate, or basic auth; the cluster's CA or insecure-skip-tls-verify). Its requests,
/// one after another, share one connection.
public struct KubeClient: Sendable {
    public let kubeconfig: Kubeconfig
    private let http = CurlHTTPClient(connection: CurlConnection())
    private let timeout: Duration
    private let deadline: ContinuousClock.Instant?

    /// - Parameters:
    ///   - timeout: how long one request may take.
    ///   - deadline: when the operation the requests serve must end: no request outlasts it.
    public init(kubeconfig: Kubeconfig, timeout: Duration = .seconds(15), deadline: ContinuousClock.Instant? = nil) {
        self.kubeconfig = kubeconfig
        self.timeout = timeout
        self.deadline = deadline
    }

    /// The same client bound by another deadline: for the bounded clean-up an operation does
    /// after its own deadline passed (recording that it failed).
    public func until(_ deadline: ContinuousClock.Instant) -> KubeClient {
        KubeClient(kubeconfig: kubeconfig, timeout: timeout, deadline: deadline)
    }

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var message: String
        /// The API server's HTTP status, when it answered with a refusal (409: a conflict).
        public var status: Int?
        public var description: String { message }

        public init(message: String, status: Int? = nil) {
            self.message = message
            self.status = status
        }
    }

    /// What a GET asks the API server for.
    public enum View: Sendable {
        /// The whole object, or list.
        case object
        /// Only the object's metadata (a `PartialObjectMetadata`), or each listed object's: what
        /// client-go's metadata client asks for, falling back to the whole object where a server
        /// cannot answer that. Either answer has the metadata where the object has it.
        case metadata
        case metadataList

        var accept: String {
            switch self {
            case .object: "application/json"
            case .metadata: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
            case .metadataList: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
            }
        }
    }

    /// GETs `path` (e.g. `/api/v1/namespaces/nginx/services/x`); nil on 404.
    public func get(_ path: String, view: View = .object) async throws(Failure) -> Data? {
        try await get([path], view: view)[0]
    }

    /// GETs each of `paths` in turn over one connection; nil for those not found (404).
    public func get(_ paths: [String], view: View = .object) async throws(Failure) -> [Data?] {
        try await get(paths.map { (path: $0, view: view) })
    }

    /// GETs each path in turn, as its view says, over one connection; nil for those not found.
    public func get(_ reads: [(path: String, view: View)]) async throws(Failure) -> [Data?] {
        guard !reads.isEmpty else { return [] }
        let responses = try await send(reads.map { Call(method: "GET", path: $0.path, headers: [("Accept", $0.view.accept)]) })
        return try zip(reads.map(\.path), responses).map { (path, response) throws(Failure) -> Data? in
            if response.status == 404 { return nil }
            guard response.status == 200 else {
                throw Failure(message: "Kubernetes API \(path): HTTP \(response.status)")
            }
            return response.body
        }
    }

    /// One request to the API server, as `send` takes it.
    public struct Call: Sendable {
        public var method: String
        public var path: String
        public var headers: [(name: String, value: String)]
        public var body: Data

        public init(method: String, path: String, headers: [(name: String, value: String)] = [("Accept", "application/json")], body: Data = Data()) {
            self.method = method
            self.path = path
            self.headers = headers
            self.body = body
        }
    }

    /// What the API server answered a call.
    public struct Reply: Sendable {
        public var status: Int
        public var body: Data
    }

    /// Sends each call in turn over one connection, authenticated as the kubeconfig says, and
    /// answers every reply whatever its status.
    public func send(_ calls: [Call]) async throws(Failure) -> [Reply] {
        var headers: [(name: String, value: String)] = []
        let credentials = kubeconfig.credentials
        // Read for each call, as client-go reads a `tokenFile`: the provisioner rewrites its own
        // token files while an operation runs.
        if let bearerTokenFile = credentials.bearerTokenFile {
            guard let token = try? String(contentsOfFile: bearerTokenFile, encoding: .utf8) else {
                throw Failure(message: "cannot read the token file \(bearerTokenFile)")
            }
            headers.append(("Authorization", "Bearer \(token.trimmingCharacters(in: .whitespacesAndNewlines))"))
        } else if let token = credentials.bearerToken {
            headers.append(("Authorization", "Bearer \(token)"))
        } else if let user = credentials.username, let password = credentials.password {
            headers.append(("Authorization", "Basic \(Data("\(user):\(password)".utf8).base64EncodedString())"))
        }
        let (base, address) = endpoint
        let tls = TLSOptions(
            certificateAuthority: credentials.certificateAuthority,
            clientCertificate: credentials.clientCertificate,
            clientKey: credentials.clientKey,
            insecureSkipVerify: credentials.insecureSkipTLSVerify
        )
        do {
            let requests = calls.map {
                HTTPClientRequest(
                    method: $0.method,
                    url: base + $0.path,
                    headers: headers + $0.headers,
                    body: $0.body,
                    timeout: timeout,
                    address: address
                )
            }
            return try await http.send(requests, tls: tls, deadline: deadline).map { Reply(status: $0.status, body: $0.body) }
        } catch {
            throw Failure(message: "Kubernetes API \(error)")
        }
    }

    /// The URL requests start with, and the address to connect to when it is not the URL's host:
    /// a pinned kubeconfig (`Kubeconfig.pinned(by:)`) names an address as its server and the host
    /// in `tls-server-name`, which libcurl can only verify a certificate against as the URL's host.
    private var endpoint: (base: String, address: String?) {
        let server = kubeconfig.server.hasSuffix("/") ? String(kubeconfig.server.dropLast()) : kubeconfig.server
        guard let name = kubeconfig.credentials.tlsServerName, let target = try? URLTarget(parsing: server),
            target.scheme == "https", let address = target.address
        else { return (server, nil) }
        return ("https://\(name):\(target.port)\(target.rest)", address.description)
    }

    /// The first ingress hostname (or IP) of a LoadBalancer Service; nil until the cloud assigns one.
    public func loadBalancerAddress(namespace: String, service: String) async throws(Failure) -> String? {
        guard let body = try await get("/api/v1/namespaces/\(namespace)/services/\(service)") else {
            throw Failure(message: "service \(namespace)/\(service) not found")
        }
        struct Service: Decodable {
            struct Status: Decodable {
                struct LoadBalancer: Decodable {
                    struct Ingress: Decodable {
                        var hostname: String?
                        var ip: String?
                    }
                    var ingress: [Ingress]?
                }
                var loadBalancer: LoadBalancer?
            }
            var status: Status?
        }
        let ingress = (try? JSONDecoder().decode(Service.self, from: body))?.status?.loadBalancer?.ingress?.first
        return ingress?.hostname ?? ingress?.ip
    }

    /// Polls until the Service has a load balancer address, or throws after `timeout`.
    public func waitForLoadBalancerAddress(namespace: String, service: String, timeout: Duration) async throws(Failure) -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let address = try await loadBalancerAddress(namespace: namespace, service: service) { return address }
            guard ContinuousClock.now < deadline else {
                throw Failure(message: "service \(namespace)/\(service) got no load balancer address within \(timeout)")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
