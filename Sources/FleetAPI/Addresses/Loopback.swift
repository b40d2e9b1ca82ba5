import Foundation

/// Hosts only this machine can reach: 127.0.0.0/8, ::1 (in any spelling `IPAddress` reads) and
/// `localhost`. Anything else (every interface, a LAN address, another name) counts as reachable
/// from outside.
public enum Loopback {
    /// `host` as a URL or a listen address writes it, IPv6 brackets included or not.
    public static func contains(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: ["[", "]"]).lowercased()
        return bare == "localhost" || IPAddress(parsing: bare)?.addressClass == .loopback
    }
}
