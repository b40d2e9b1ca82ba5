extension ListenAddress {
    /// Whether only this machine can connect: a 127.0.0.0/8 or ::1 address, or `localhost`.
    /// Anything else (every interface, a LAN address, a host name) counts as reachable from outside.
    public var isLoopback: Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The start-up refusal for serving this address with no tokens, or nil when that is allowed:
    /// on loopback, or when the operator said `--insecure-no-auth`.
    public func refusalWithoutTokens(tokenFlag: String, insecureNoAuth: Bool) -> String? {
        guard !isLoopback, !insecureNoAuth else { return nil }
        let shown = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return "refusing to serve \(shown), which is not a loopback address, without \(tokenFlag): anyone who can reach it "
            + "could use the API; give \(tokenFlag), listen on 127.0.0.1, or pass --insecure-no-auth"
    }
}
