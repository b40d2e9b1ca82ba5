import Foundation

/// Hosts only this machine can reach: 127.0.0.0/8, ::1 and `localhost`. Anything else (every
/// interface, a LAN address, another name) counts as reachable from outside.
public enum Loopback {
    /// `host` as a URL or a listen address writes it, IPv6 brackets included or not.
    public static func contains(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: ["[", "]"]).lowercased()
        if bare == "localhost" || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
