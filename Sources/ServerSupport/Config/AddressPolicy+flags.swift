public import ArgumentParser
public import FleetAPI

extension AddressPolicy {
    /// The policy narrowed to the patterns an `--allowed-...` flag was given, each checked.
    public func allowing(flagValues: [String], flag: String) throws(ValidationError) -> AddressPolicy {
        var patterns: [AddressPattern] = []
        for value in flagValues {
            do { patterns.append(try AddressPattern(parsing: value)) } catch { throw ValidationError("\(flag): \(error)") }
        }
        return allowing(patterns)
    }
}

/// The help both servers give for `--allowed-api-server`.
public enum AddressPolicyHelp {
    public static func apiServers(variable: String) -> ArgumentHelp {
        ArgumentHelp(
            "A CIDR range, an address or a host name (exact or *.suffix) a kubeconfig's server may point at; repeatable. Default: any public or private address. (\(variable), comma-separated)",
            discussion:
                "Loopback, link-local, the cloud metadata and identity addresses, unspecified, multicast and reserved addresses are refused in every spelling unless a range given here lies inside them (127.0.0.0/8 reaches loopback; 0.0.0.0/0 does not). Names are checked again on the address they resolve to."
        )
    }
}
