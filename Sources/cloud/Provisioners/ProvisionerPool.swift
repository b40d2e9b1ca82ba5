import FleetAPI
import Foundation
import HTTPClient
import ServerSupport
import Synchronization

/// The provisioner instances and what the cloud server knows of them: which exist (re-resolved on
/// every refresh, so instances behind a DNS name come and go), whether each is ready, and which
/// services they offer.
final class ProvisionerPool: Sendable {
    struct Instance: Codable, Sendable {
        var url: String
        var healthy: Bool
        var inFlight: Int
        var lastCheckAt: Int64
    }

    private struct State {
        var clients: [String: ProvisionerClient] = [:]
        /// Per configured URL, its instances as last resolved.
        var resolved: [String: [ProvisionerResolver.Instance]] = [:]
        var health: [String: (healthy: Bool, at: Int64)] = [:]
        /// Per instance, how many deployments it runs at once, as its `/readyz` says.
        var capacity: [String: Int] = [:]
        /// Per instance, what it last published at `GET /api/services`.
        var published: [String: [ServiceDescription]] = [:]
        /// Their union, kept while no current instance has published (e.g. all are being replaced).
        var services: PublishedServices?
        var refreshed = false
    }

    private let urls: [String]
    private let resolver: ProvisionerResolver
    private let token: String?
    private let tls: TLSOptions
    /// When each instance was last asked (`lastCheckAt`).
    private let clock: any WallClock
    private let state = Mutex(State())

    init(
        urls: [String],
        token: String? = nil,
        tls: TLSOptions = TLSOptions(),
        resolver: ProvisionerResolver = ProvisionerResolver(),
        clock: any WallClock = SystemClock()
    ) {
        self.urls = urls
        self.resolver = resolver
        self.token = token
        self.tls = tls
        self.clock = clock
        resolve()
    }

    /// The instances as of the last refresh, by key.
    var clients: [String: ProvisionerClient] { state.withLock { $0.clients } }

    /// Re-resolves every configured URL, then asks every instance whether it is ready, all at once.
    /// Returns the instances whose readiness changed (a new instance counts as ready until asked).
    @discardableResult
    func refresh() async -> [(url: String, healthy: Bool)] {
        var changes: [(url: String, healthy: Bool)] = []
        // getaddrinfo blocks, for seconds when DNS is slow: not on the cooperative pool.
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.resolve()
                continuation.resume()
            }
        }
        // What an instance offers changes only with its binary, and a replaced instance is seen not
        // ready while it drains: the list is asked for when an instance becomes ready, not every pass.
        let known = state.withLock { state in
            Set(state.published.keys.filter { state.health[$0]?.healthy == true })
        }
        let clock = self.clock
        await withTaskGroup(of: (String, Bool, Int?, [ServiceDescription]?).self) { group in
            for (url, client) in clients {
                group.addTask {
                    let (ready, capacity) = await client.readiness()
                    return (url, ready, capacity, ready && !known.contains(url) ? await client.services() : nil)
                }
            }
            for await (url, ready, capacity, services) in group {
                let was = state.withLock { state in
                    let was = state.health[url]?.healthy
                    state.health[url] = (ready, clock.millisecondsSince1970)
                    state.capacity[url] = capacity
                    if let services { state.published[url] = services }
                    return was
                }
                if was != ready { changes.append((url, ready)) }
            }
        }
        state.withLock { state in
            if !state.published.isEmpty { state.services = PublishedServices(union: state.published.values) }
            state.refreshed = true
        }
        return changes
    }

    /// The services the provisioners offer. Before the first refresh it refreshes, so that a request
    /// arriving at startup still learns the order and prerequisites; after that it never waits.
    func publishedServices() async -> PublishedServices? {
        let (services, refreshed) = state.withLock { ($0.services, $0.refreshed) }
        if services != nil || refreshed { return services }
        await refresh()
        return self.services
    }

    /// A URL that does not resolve right now keeps its previous instances; new instances start
    /// out healthy (they get work at once), vanished ones are forgotten (their work is lost).
    private func resolve() {
        var resolved = state.withLock { $0.resolved }
        for url in urls {
            if let instances = resolver.instances(of: url) { resolved[url] = instances }
        }
        let instances = Set(resolved.values.joined())
        let token = self.token
        let tls = self.tls
        state.withLock { state in
            state.resolved = resolved
            let keys = Set(instances.map(\.key))
            state.clients = state.clients.filter { keys.contains($0.key) }
            state.health = state.health.filter { keys.contains($0.key) }
            state.capacity = state.capacity.filter { keys.contains($0.key) }
            state.published = state.published.filter { keys.contains($0.key) }
            for instance in instances where state.clients[instance.key] == nil {
                state.clients[instance.key] = ProvisionerClient(instance, token: token, tls: tls)
                state.health[instance.key] = (true, 0)
            }
        }
    }

    func markUnhealthy(_ url: String) {
        state.withLock { $0.health[url]?.healthy = false }
    }

    enum Pick {
        case instance(ProvisionerClient)
        /// Every ready instance has as much as it can start (and one more, queued to start the
        /// moment a slot frees): the rest waits here, where any instance's free slot can take it.
        case allBusy
        case noneReady
    }

    /// Queued beyond an instance's `MaxConcurrent`: one, so a freed slot starts the next at once
    /// instead of after a round trip, and never a queue that a slow deployment holds back while
    /// other instances have free slots.
    static let queuedPerInstance = 1

    /// A ready instance, whatever it runs: for a question (a check, a verification), which it
    /// answers beside its deployments.
    func anyReady() -> ProvisionerClient? {
        let (clients, health) = state.withLock { ($0.clients, $0.health) }
        return clients.values.filter { health[$0.url]?.healthy ?? false }.min { $0.url < $1.url }
    }

    /// The ready instance with the least work in flight that can start more.
    func pick(inFlight: [String: Int]) -> Pick {
        let (clients, health, capacity) = state.withLock { ($0.clients, $0.health, $0.capacity) }
        let ready = clients.values.filter { health[$0.url]?.healthy ?? false }
        guard !ready.isEmpty else { return .noneReady }
        let free = ready.filter { client in capacity[client.url].map { inFlight[client.url, default: 0] < $0 + Self.queuedPerInstance } ?? true }
        guard let least = free.min(by: { (inFlight[$0.url, default: 0], $0.url) < (inFlight[$1.url, default: 0], $1.url) }) else {
            return .allBusy
        }
        return .instance(least)
    }

    /// What every ready instance says it can deploy of `service`, asked all at once; those that
    /// cannot say are left out.
    func chartVersions(of service: ServiceName, refresh: Bool) async -> [ChartVersions] {
        let (clients, health) = state.withLock { ($0.clients, $0.health) }
        return await withTaskGroup(of: ChartVersions?.self) { group in
            for client in clients.values where health[client.url]?.healthy == true {
                group.addTask { await client.chartVersions(of: service, refresh: refresh) }
            }
            return await group.reduce(into: []) { if let versions = $1 { $0.append(versions) } }
        }
    }

    /// Services the provisioners offer; nil until one has answered.
    var services: PublishedServices? { state.withLock { $0.services } }

    func instances(inFlight: [String: Int]) -> [Instance] {
        let (clients, health) = state.withLock { ($0.clients, $0.health) }
        return clients.keys.sorted().map { url in
            Instance(
                url: url,
                healthy: health[url]?.healthy ?? false,
                inFlight: inFlight[url, default: 0],
                lastCheckAt: health[url]?.at ?? 0
            )
        }
    }
}
