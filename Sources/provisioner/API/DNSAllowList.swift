import FleetAPI
import HelmDriver
import ServerSupport

/// The Route53 zones a request may have the provisioner write to (`--allowed-dns-zone`, repeatable):
/// a hosted zone ID (`Z0123ABC`, `/hostedzone/` optional) allows that `DNS.PrivateHostedZoneID`;
/// a domain allows that `DNS.PrivateDomain` and its subdomains. Empty: no DNS settings at all.
///
/// A request naming an allowed zone ID may name any domain: Route53 refuses records outside the
/// zone's own domain. A request naming only a domain has its zone looked up by exactly that name
/// (`Route53.privateZoneID(forDomain:)`), so the zone found is inside an allowed domain.
struct DNSAllowList: Sendable, Hashable {
    private(set) var zoneIDs: Set<String> = []
    private(set) var domains: [String] = []

    static let none = DNSAllowList()

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init() {}

    init(_ entries: [String]) throws(Invalid) {
        for entry in entries {
            if let zone = Self.zoneID(entry) {
                zoneIDs.insert(zone)
            } else if let domain = Self.domain(entry) {
                domains.append(domain)
            } else {
                throw Invalid(description: "\"\(entry)\" is neither a Route53 hosted zone ID (e.g. Z0123ABC) nor a domain")
            }
        }
    }

    /// Refuses DNS settings outside the list, naming the field.
    func check(_ dns: DNSConfig?) throws(APIError) {
        let zone = dns?.privateHostedZoneID.flatMap { $0.isEmpty ? nil : $0 }
        let domain = dns?.privateDomain.flatMap { $0.isEmpty ? nil : $0 }
        guard zone != nil || domain != nil else { return }
        if let zone {
            guard let id = Self.zoneID(zone), zoneIDs.contains(id) else {
                throw .badRequest(
                    "DNS.PrivateHostedZoneID \"\(zone)\" is not a zone this provisioner may write to (its --allowed-dns-zone)",
                    field: "DNS.PrivateHostedZoneID"
                )
            }
        }
        if let domain {
            guard let name = Self.domain(domain) else {
                throw .badRequest("DNS.PrivateDomain \"\(domain)\" is not a domain name", field: "DNS.PrivateDomain")
            }
            // An allowed zone bounds the names itself; otherwise the domain must be on the list.
            guard zone != nil || domains.contains(where: { name == $0 || name.hasSuffix(".\($0)") }) else {
                throw .badRequest(
                    "DNS.PrivateDomain \"\(domain)\" is not within a domain this provisioner may write to (its --allowed-dns-zone)",
                    field: "DNS.PrivateDomain"
                )
            }
        }
    }

    /// `Z0123ABC` or `/hostedzone/Z0123ABC`: upper-case letters and digits, as Route53 makes them.
    static func zoneID(_ text: String) -> String? {
        let id = text.hasPrefix("/hostedzone/") ? String(text.dropFirst("/hostedzone/".count)) : text
        guard (1...32).contains(id.count), id.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) else {
            return nil
        }
        return id
    }

    /// Lower case, without a trailing dot; nil unless every label is letters, digits and inner hyphens.
    static func domain(_ text: String) -> String? {
        var name = text.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !name.isEmpty, name.count <= 253,
            labels.allSatisfy({ label in
                (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            })
        else { return nil }
        return name
    }
}
