/// A CIDR block (`10.0.0.0/8`, `fd00::/8`) or one address (`127.0.0.1`, a /32 or /128).
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parsing: parts[0]) else { return nil }
        let length = parts.count == 2 ? Int(parts[1]) : address.width
        guard let length, (0...address.width).contains(length) else { return nil }
        prefixLength = length
        network = Self.masked(address, length)
    }

    public var description: String { "\(network)/\(prefixLength)" }

    public func contains(_ address: IPAddress) -> Bool {
        switch (network, address) {
        case (.v4, .v4), (.v6, .v6): Self.masked(address, prefixLength) == network
        default: false
        }
    }

    /// The last address in the range.
    var last: IPAddress {
        switch network {
        case .v4(let value): .v4(prefixLength == 0 ? .max : value | (UInt32.max >> prefixLength))
        case .v6(let value): .v6(prefixLength == 0 ? .max : value | (UInt128.max >> prefixLength))
        }
    }

    /// Whether every address in the range is of one class, `addressClass`: only a range that
    /// lies wholly inside a refused class names it (`127.0.0.0/8` names loopback, `0.0.0.0/0`
    /// names nothing, `169.254.0.0/16` names link-local but not the metadata address inside it).
    func names(_ addressClass: AddressClass) -> Bool {
        network.addressClass == addressClass && last.addressClass == addressClass
    }

    private static func masked(_ address: IPAddress, _ length: Int) -> IPAddress {
        switch address {
        case .v4(let value): .v4(length == 0 ? 0 : value & ~(UInt32.max >> length))
        case .v6(let value): .v6(length == 0 ? 0 : value & ~(UInt128.max >> length))
        }
    }
}
