/// An IPv4 or IPv6 address as a number, whatever spelling it came in: what a connection would
/// actually reach, which is what the address policy judges.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt128)

    /// Dotted decimal, or RFC 5952's compressed hex for IPv6 (lower case, the longest run of zero
    /// groups as `::`), with an IPv4-mapped or -compatible address's last 32 bits dotted, as
    /// glibc's inet_ntop writes them.
    public var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String((value >> (24 - 8 * $0)) & 0xff) }.joined(separator: ".")
        case .v6(let value):
            let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> (112 - 16 * $0)) }
            var best = (start: -1, length: 0)
            var run = (start: -1, length: 0)
            for (index, group) in groups.enumerated() {
                if group == 0 {
                    run = run.start < 0 ? (index, 1) : (run.start, run.length + 1)
                    if run.length > best.length { best = run }
                } else {
                    run = (-1, 0)
                }
            }
            if best.start == 0, best.length == 6 || (best.length == 5 && groups[5] == 0xffff) {
                return (best.length == 6 ? "::" : "::ffff:") + IPAddress.v4(UInt32(truncatingIfNeeded: value)).description
            }
            let hex = groups.map { String($0, radix: 16) }
            guard best.length > 1 else { return hex.joined(separator: ":") }
            let head = hex[..<best.start].joined(separator: ":")
            let tail = hex[(best.start + best.length)...].joined(separator: ":")
            return head + "::" + tail
        }
    }

    /// How a URL writes it: IPv6 in brackets.
    public var urlHost: String {
        if case .v6 = self { return "[\(description)]" }
        return description
    }

    /// The IPv4 address an IPv6 one carries and reaches: IPv4-mapped (`::ffff:a.b.c.d`), the
    /// deprecated IPv4-compatible form (`::a.b.c.d`), NAT64's well-known prefix (`64:ff9b::/96`,
    /// RFC 6052: a NAT64 gateway connects to the IPv4 address inside) and 6to4 (`2002:AABB:CCDD::/48`).
    public var embeddedIPv4: IPAddress? {
        guard case .v6(let value) = self else { return nil }
        let low32 = UInt32(truncatingIfNeeded: value)
        let high96 = value >> 32
        if high96 == 0xffff || (high96 == 0 && low32 > 1) || high96 == 0x0064_ff9b_0000_0000_0000_0000 {
            return .v4(low32)
        }
        if value >> 112 == 0x2002 { return .v4(UInt32(truncatingIfNeeded: value >> 80)) }
        return nil
    }

    /// Bits in the address: 32 or 128.
    var width: Int {
        if case .v4 = self { return 32 }
        return 128
    }
}
