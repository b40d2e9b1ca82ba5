import Foundation

extension AddressPolicy {
    /// The address to connect to for `target`: its literal, or what its name resolves to now,
    /// checked. Every address the name resolves to must pass, since the connection could take any
    /// of them; the caller then connects to the one returned and to nothing else (a pinned
    /// kubeconfig, libcurl's CURLOPT_RESOLVE), so a second lookup cannot answer differently.
    public func resolve(_ target: URLTarget) async throws(Refusal) -> IPAddress {
        if let address = target.address {
            try check(target, resolvedTo: address)
            return address
        }
        try check(target)
        let host = target.host
        let resolved: Result<[IPAddress], Refusal> = await withCheckedContinuation { continuation in
            // getaddrinfo blocks: off the cooperative pool, as the HTTP client's transfers are.
            DispatchQueue.global().async { continuation.resume(returning: Self.lookup(host)) }
        }
        let addresses = try resolved.get()
        for address in addresses { try check(target, resolvedTo: address) }
        return addresses[0]
    }

    private static func lookup(_ host: String) -> Result<[IPAddress], Refusal> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        guard status == 0 else {
            return .failure(Refusal(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))", unresolved: true))
        }
        var addresses: [IPAddress] = []
        var entry = list
        while let info = entry?.pointee {
            if let address = Self.address(info) { addresses.append(address) }
            entry = info.ai_next
        }
        guard !addresses.isEmpty else { return .failure(Refusal(description: "cannot resolve \(host): no address", unresolved: true)) }
        return .success(addresses)
    }

    private static func address(_ info: addrinfo) -> IPAddress? {
        guard let socketAddress = info.ai_addr else { return nil }
        switch info.ai_family {
        case AF_INET:
            let value = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            return .v4(UInt32(bigEndian: value))
        case AF_INET6:
            let bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
            }
            return .v6(bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) })
        default:
            return nil
        }
    }
}
