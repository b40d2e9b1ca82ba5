import Foundation
import Internal
import Synchronization

/// The configured provisioner instances and what the cloud server knows of them: whether each is
/// ready, and which services they offer.
final class ProvisionerPool: Sendable {
    struct Instance: Codable, Sendable {
        var url: String
        var healthy: Bool
        var inFlight: Int
        var lastCheckAt: Int64

        enum CodingKeys: String, CodingKey {
            case url = "URL", healthy = "Healthy", inFlight = "InFlight", lastCheckAt = "LastCheckAt"
        }
    }

    let clients: [String: ProvisionerClient]
    private let state: Mutex<(health: [String: (healthy: Bool, at: Int64)], services: Set<ServiceName>?)>

    init(urls: [String], token: String? = nil, tls: TLSOptions = TLSOptions()) {
        clients = Dictionary(urls.map { ($0, ProvisionerClient(url: $0, token: token, tls: tls)) }, uniquingKeysWith: { first, _ in first })
        state = Mutex((Dictionary(urls.map { ($0, (true, 0)) }, uniquingKeysWith: { first, _ in first }), nil))
    }

    /// Asks every instance whether it is ready, all at once.
    func refresh() async {
        await withTaskGroup(of: (String, Bool, [ServiceName]?).self) { group in
            for (url, client) in clients {
                group.addTask {
                    let ready = await client.isReady()
                    return (url, ready, ready ? await client.services() : nil)
                }
            }
            for await (url, ready, services) in group {
                state.withLock { state in
                    state.health[url] = (ready, Date().millisecondsSince1970)
                    if let services { state.services = Set(services) }
                }
            }
        }
    }

    func markUnhealthy(_ url: String) {
        state.withLock { $0.health[url]?.healthy = false }
    }

    /// The ready instance with the least work in flight.
    func pick(inFlight: [String: Int]) -> ProvisionerClient? {
        let health = state.withLock { $0.health }
        return clients.values
            .filter { health[$0.url]?.healthy ?? false }
            .min { (inFlight[$0.url, default: 0], $0.url) < (inFlight[$1.url, default: 0], $1.url) }
    }

    /// Services the provisioners offer; nil until one has answered.
    var services: Set<ServiceName>? { state.withLock { $0.services } }

    func instances(inFlight: [String: Int]) -> [Instance] {
        let health = state.withLock { $0.health }
        return clients.keys.sorted().map { url in
            Instance(url: url, healthy: health[url]?.healthy ?? false, inFlight: inFlight[url, default: 0],
                     lastCheckAt: health[url]?.at ?? 0)
        }
    }
}
