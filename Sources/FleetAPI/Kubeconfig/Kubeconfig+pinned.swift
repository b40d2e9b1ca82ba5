extension Kubeconfig {
    /// This kubeconfig with its server's host replaced by the address it resolves to now, checked
    /// against `policy`, and `tls-server-name` set to the host it named: client-go then connects
    /// to that address without resolving again yet still verifies the certificate (and sends SNI)
    /// for the name (rest.Config's TLSClientConfig.ServerName). An address literal is checked and
    /// kept as it is.
    public func pinned(by policy: AddressPolicy) async throws(AddressPolicy.Refusal) -> Kubeconfig {
        let target: URLTarget
        do {
            target = try URLTarget(parsing: server)
        } catch {
            throw AddressPolicy.Refusal(description: "\(server) \(error)")
        }
        let address = try await policy.resolve(target)
        guard target.address == nil else { return self }
        var pinned = self
        pinned.server = "\(target.scheme)://\(address.urlHost):\(target.port)\(target.rest)"
        if pinned.credentials.tlsServerName == nil { pinned.credentials.tlsServerName = target.host }
        return pinned
    }
}
