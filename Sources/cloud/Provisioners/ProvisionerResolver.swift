import Foundation

/// Turns the configured `--provisioner` URLs into instances. A URL whose host is a name stands for
/// every address the name resolves to (a Kubernetes headless Service lists each pod), because a
/// deployment must be polled and cancelled on the very instance that holds it: a load-balanced
/// Service would send those calls to any of them.
struct ProvisionerResolver: Sendable {
    /// One provisioner process.
    struct Instance: Sendable, Hashable {
        /// Identifies the instance in the database and the API: the URL with the address as host.
        var key: String
        /// What requests are sent to; its host still names the server for TLS and `Host:`.
        var url: String
        /// Where to connect; nil when the URL's host is already an address.
        var address: String?
    }

    /// Names found here resolve from it, before DNS (the /etc/hosts format, read at every
    /// resolution): for sites without DNS for the provisioners, and for tests.
    var hostsFile: String?

    /// The instances behind `url`, or nil when its name does not resolve right now (the caller
    /// then keeps what it had: a DNS hiccup must not make every deployment look lost).
    func instances(of url: String) -> [Instance]? {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return nil }
        if Self.isAddress(host) { return [Instance(key: url, url: url, address: nil)] }
        guard let addresses = addresses(of: host), !addresses.isEmpty else { return nil }
        return addresses.map { address in
            var keyed = components
            keyed.host = address.contains(":") ? "[\(address)]" : address
            return Instance(key: keyed.string ?? url, url: url, address: address)
        }
    }

    func addresses(of host: String) -> [String]? {
        if let hostsFile, let text = try? String(contentsOfFile: hostsFile, encoding: .utf8) {
            let listed = Self.parseHosts(text)[host.lowercased()] ?? []
            if !listed.isEmpty { return Self.preferIPv4(listed) }
        }
        return Self.systemAddresses(of: host).map(Self.preferIPv4)
    }

    /// A dual-stack name lists each instance twice, once per family; one family is enough.
    static func preferIPv4(_ addresses: [String]) -> [String] {
        let v4 = addresses.filter { !$0.contains(":") }
        return Array(Set(v4.isEmpty ? addresses : v4)).sorted()
    }

    static func parseHosts(_ text: String) -> [String: [String]] {
        var table: [String: [String]] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.prefix { $0 != "#" }.split(whereSeparator: \.isWhitespace).map(String.init)
            guard fields.count >= 2, isAddress(fields[0]) else { continue }
            for name in fields.dropFirst() { table[name.lowercased(), default: []].append(fields[0]) }
        }
        return table
    }

    static func isAddress(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, bare, &v4) == 1 || inet_pton(AF_INET6, bare, &v6) == 1
    }

    /// getaddrinfo, so /etc/hosts, nsswitch and the cluster's DNS all apply as for any program.
    static func systemAddresses(of host: String) -> [String]? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        for entry in sequence(first: first, next: { $0.pointee.ai_next }) {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        return addresses
    }
}
