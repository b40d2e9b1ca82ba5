import FleetAPI

extension ListenAddress {
    /// Whether only this machine can connect (see `Loopback`).
    public var isLoopback: Bool { Loopback.contains(host) }

    /// The start-up refusal for serving this address with no tokens, or nil when that is allowed:
    /// on loopback, or when the operator said `--insecure-no-auth`.
    public func refusalWithoutTokens(tokenFlag: String, insecureNoAuth: Bool) -> String? {
        guard !isLoopback, !insecureNoAuth else { return nil }
        let shown = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return "refusing to serve \(shown), which is not a loopback address, without \(tokenFlag): anyone who can reach it "
            + "could use the API; give \(tokenFlag), listen on 127.0.0.1, or pass --insecure-no-auth"
    }
}
