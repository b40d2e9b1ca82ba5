extension IPAddress {
    /// An address in any spelling a resolver or a URL parser on the way would take as one:
    /// dotted decimal; inet_aton's shorter forms (`2852039166`, `169.254.43518`) and its octal
    /// (`0251.0376.0251.0376`) and hex (`0xa9.0xfe.0xa9.0xfe`, `0xa9fea9fe`) parts; a trailing
    /// dot; IPv6 with or without brackets, `::`, an IPv4 tail and a zone (`%eth0`, dropped: it
    /// names an interface, not another address). nil for anything else, which is a name.
    public init?(parsing text: some StringProtocol) {
        var host = Substring(text)
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        if host.contains(":") {
            if let zone = host.firstIndex(of: "%") { host = host[..<zone] }
            guard let value = Self.parseIPv6(host) else { return nil }
            self = .v6(value)
        } else {
            if host.hasSuffix(".") { host = host.dropLast() }
            guard let value = Self.parseIPv4(host) else { return nil }
            self = .v4(value)
        }
    }

    /// inet_aton(3): one to four parts, each decimal, octal (leading 0) or hex (0x); the last
    /// fills the bytes left.
    private static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = number(part) else { return nil }
            numbers.append(number)
        }
        var value: UInt64 = 0
        for (index, number) in numbers.dropLast().enumerated() {
            guard number <= 0xff else { return nil }
            value |= number << (24 - 8 * UInt64(index))
        }
        let lastBits = 8 * UInt64(5 - numbers.count)
        guard let last = numbers.last, last < (1 << lastBits) else { return nil }
        return UInt32(value | last)
    }

    private static func number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.count <= 32 else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") {
            return lower.count == 2 ? 0 : UInt64(lower.dropFirst(2), radix: 16)
        }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    /// RFC 4291 section 2.2's three forms.
    private static func parseIPv6(_ text: Substring) -> UInt128? {
        var groups: [UInt16] = []
        var gap: Int? = nil
        let halves = text.split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        for (half, chunk) in halves.enumerated() {
            if half == 1 { gap = groups.count }
            guard !chunk.isEmpty else { continue }
            let fields = chunk.split(separator: ":", omittingEmptySubsequences: false)
            for (index, field) in fields.enumerated() {
                if index == fields.count - 1, field.contains(".") {
                    let octets = field.split(separator: ".", omittingEmptySubsequences: false)
                    guard octets.count == 4 else { return nil }
                    var bytes: [UInt16] = []
                    for octet in octets {
                        guard octet.count <= 3, let byte = UInt8(octet) else { return nil }
                        bytes.append(UInt16(byte))
                    }
                    groups += [bytes[0] << 8 | bytes[1], bytes[2] << 8 | bytes[3]]
                } else {
                    guard (1...4).contains(field.count), let group = UInt16(field, radix: 16) else { return nil }
                    groups.append(group)
                }
            }
        }
        if let gap {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gap)
        }
        guard groups.count == 8 else { return nil }
        return groups.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }
}
