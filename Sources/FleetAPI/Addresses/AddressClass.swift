/// What an address reaches, as far as the policy cares. Every class but `public` and `private`
/// is refused unless an allowed range names it; `private` is refused where a policy says so.
public enum AddressClass: String, Sendable, Hashable, CustomStringConvertible {
    /// The cloud's instance metadata and pod/task identity endpoints: credentials for the asking.
    case metadata = "the cloud metadata address"
    case loopback = "a loopback address"
    case linkLocal = "a link-local address"
    case unspecified = "an unspecified address"
    case multicast = "a multicast address"
    case reserved = "a reserved address"
    /// RFC 1918, shared address space (RFC 6598) and IPv6 unique-local: a company's own networks.
    case `private` = "a private address"
    case `public` = "a public address"

    public var description: String { rawValue }
}

extension IPAddress {
    public var addressClass: AddressClass {
        switch self {
        case .v4(let value): Self.classify(v4: value)
        case .v6(let value): embeddedIPv4?.addressClass ?? Self.classify(v6: value)
        }
    }

    /// 169.254.169.254: EC2 (and GCP, Azure, OCI) instance metadata; 169.254.170.2: ECS task
    /// credentials; 169.254.170.23: EKS Pod Identity.
    private static let metadataV4: Set<UInt32> = [0xa9fe_a9fe, 0xa9fe_aa02, 0xa9fe_aa17]
    /// The same endpoints on IPv6 instances: fd00:ec2::254 and fd00:ec2::23.
    private static let metadataV6: Set<UInt128> = [0xfd00_0ec2_0000_0000_0000_0000_0000_0254, 0xfd00_0ec2_0000_0000_0000_0000_0000_0023]

    private static func classify(v4 value: UInt32) -> AddressClass {
        func within(_ network: UInt32, _ bits: UInt32) -> Bool { value >> (32 - bits) == network >> (32 - bits) }
        if metadataV4.contains(value) { return .metadata }
        if within(0x0000_0000, 8) { return .unspecified }
        if within(0x7f00_0000, 8) { return .loopback }
        if within(0xa9fe_0000, 16) { return .linkLocal }
        if within(0xe000_0000, 4) { return .multicast }
        if within(0xf000_0000, 4) { return .reserved }
        if within(0x0a00_0000, 8) || within(0xac10_0000, 12) || within(0xc0a8_0000, 16) || within(0x6440_0000, 10) {
            return .private
        }
        return .public
    }

    private static func classify(v6 value: UInt128) -> AddressClass {
        func within(_ network: UInt128, _ bits: UInt128) -> Bool { value >> (128 - bits) == network >> (128 - bits) }
        if metadataV6.contains(value) { return .metadata }
        if value == 0 { return .unspecified }
        if value == 1 { return .loopback }
        if within(0xfe80 << 112, 10) { return .linkLocal }
        if within(0xff00 << 112, 8) { return .multicast }
        // Unique-local, and site-local (deprecated by RFC 3879 but still routed inside sites).
        if within(0xfc00 << 112, 7) || within(0xfec0 << 112, 10) { return .private }
        // NAT64 for local use (RFC 8215): where the gateway sends it is the network's own choice.
        if within(0x0064_ff9b_0001 << 80, 48) { return .private }
        return .public
    }
}
