/// Which addresses a request from outside may make a server connect to: a kubeconfig's API
/// server, a webhook's URL. Loopback, link-local, the cloud's metadata and identity endpoints,
/// unspecified, multicast and reserved addresses are refused in every spelling (IPv4-mapped,
/// NAT64 and 6to4 forms judged by the IPv4 address inside); private ranges where `refusesPrivate`.
/// An `allowed` list narrows that to what it matches, and its ranges alone can reach a refused
/// class, by lying wholly inside it: `127.0.0.0/8` lets loopback through, `0.0.0.0/0` does not.
///
/// Names are judged twice: by their text when a request arrives (`check(_:)`: `localhost`, the
/// allowed names), and on each address they resolve to before connecting (`check(_:resolvedTo:)`),
/// so a name that resolves to a refused address (DNS rebinding) is refused too.
public struct AddressPolicy: Sendable, Hashable {
    public var allowed: [AddressPattern]
    public var refusesPrivate: Bool

    public init(allowed: [AddressPattern] = [], refusesPrivate: Bool) {
        self.allowed = allowed
        self.refusesPrivate = refusesPrivate
    }

    /// Kubernetes API servers: EKS private endpoints and on-premises clusters live in private ranges.
    public static let apiServers = AddressPolicy(refusesPrivate: false)
    /// A rollout analysis's Prometheus servers: in each cluster's private network, or a central one.
    public static let metricsSources = AddressPolicy(refusesPrivate: false)
    /// Webhook receivers, which answer what they like into a delivery's `LastError`.
    public static let webhooks = AddressPolicy(refusesPrivate: true)

    /// The same policy, narrowed to `patterns` (when there are any).
    public func allowing(_ patterns: [AddressPattern]) -> AddressPolicy {
        AddressPolicy(allowed: patterns, refusesPrivate: refusesPrivate)
    }

    public struct Refusal: Error, CustomStringConvertible, Equatable {
        public var description: String
        /// The host's name could not be resolved: the network's failure, perhaps for a moment,
        /// rather than the address's.
        public var unresolved = false
    }

    /// What can be judged before resolving: an address literal in full, a name by its text.
    public func check(_ target: URLTarget) throws(Refusal) {
        if let address = target.address {
            try check(address, name: nil)
        } else if target.isLocalhostName {
            try check(.v4(0x7f00_0001), name: target.host)
        } else if !allowed.isEmpty, !allowed.contains(where: { $0.range != nil || $0.matches(name: target.host) }) {
            throw Refusal(description: "\(target.host) is not among the allowed hosts (\(list))")
        }
    }

    /// Whether a connection to `address`, which `target`'s host resolved to, may go ahead.
    public func check(_ target: URLTarget, resolvedTo address: IPAddress) throws(Refusal) {
        try check(address, name: target.address == nil ? target.host : nil)
    }

    private func check(_ address: IPAddress, name: String?) throws(Refusal) {
        let addressClass = address.addressClass
        let refused = refuses(addressClass)
        let shown = name.map { "\($0) (\(address))" } ?? address.description
        if allowed.isEmpty {
            guard !refused else { throw refusal(shown, addressClass) }
            return
        }
        let byRange = allowed.contains { pattern in
            guard let range = pattern.range, range.contains(address) else { return false }
            return !refused || range.names(addressClass)
        }
        let byName = name.map { name in allowed.contains { $0.matches(name: name) } } ?? false
        if byRange || (byName && !refused) { return }
        if refused { throw refusal(shown, addressClass) }
        throw Refusal(description: "\(shown) is not among the allowed addresses (\(list))")
    }

    private func refuses(_ addressClass: AddressClass) -> Bool {
        switch addressClass {
        case .public: false
        case .private: refusesPrivate
        default: true
        }
    }

    private func refusal(_ shown: String, _ addressClass: AddressClass) -> Refusal {
        Refusal(description: "\(shown) is \(addressClass), which is refused unless an allowed range names it")
    }

    private var list: String { allowed.map(\.description).joined(separator: ", ") }
}
