import Foundation
import HTTPClient

/// The Route53 calls the provisioner needs: find a private zone, UPSERT and DELETE a CNAME, and
/// wait for a change to reach every Route53 server.
public struct Route53: Sendable {
    let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// The ID (without `/hostedzone/`) of the private hosted zone for exactly `domain`.
    public func privateZoneID(forDomain domain: String) async throws(AWSError) -> String {
        let name = domain.hasSuffix(".") ? domain : domain + "."
        let response = try await client.send(.route53, method: "GET", path: "/2013-04-01/hostedzonesbyname?dnsname=\(SigV4Signer.encode(name))")
        for zone in XMLText.all("HostedZone", in: response.text) where XMLText.first("Name", in: zone) == name {
            if XMLText.first("PrivateZone", in: zone) == "true", let id = XMLText.first("Id", in: zone) {
                return String(id.split(separator: "/").last ?? Substring(id))
            }
        }
        throw AWSError(service: "route53", status: 404, code: "NoSuchHostedZone", message: "no private hosted zone for \(domain)")
    }

    /// Creates or replaces `name` as a CNAME to `target`; returns the change ID.
    @discardableResult
    public func upsertCNAME(zoneID: String, name: String, target: String, ttl: Int = 60) async throws(AWSError) -> String {
        try await change(zoneID: zoneID, action: "UPSERT", name: name, target: target, ttl: ttl)
    }

    /// Deletes the CNAME `name`; a record that is not there is already deleted. Returns the change
    /// ID, or nil when there was nothing to delete.
    @discardableResult
    public func deleteCNAME(zoneID: String, name: String) async throws(AWSError) -> String? {
        guard let (target, ttl) = try await cname(zoneID: zoneID, name: name) else { return nil }
        do {
            return try await change(zoneID: zoneID, action: "DELETE", name: name, target: target, ttl: ttl)
        } catch  where error.code == "InvalidChangeBatch" && error.message.contains("not found") {
            return nil
        }
    }

    /// The CNAME's target and TTL, or nil when there is no such record.
    public func cname(zoneID: String, name: String) async throws(AWSError) -> (target: String, ttl: Int)? {
        let fqdn = name.hasSuffix(".") ? name : name + "."
        let response = try await client.send(
            .route53,
            method: "GET",
            path: "/2013-04-01/hostedzone/\(zoneID)/rrset?name=\(SigV4Signer.encode(fqdn))&type=CNAME&maxitems=1"
        )
        for set in XMLText.all("ResourceRecordSet", in: response.text)
        where XMLText.first("Name", in: set)?.lowercased() == fqdn.lowercased() && XMLText.first("Type", in: set) == "CNAME" {
            guard let value = XMLText.first("Value", in: set) else { continue }
            return (value, Int(XMLText.first("TTL", in: set) ?? "") ?? 60)
        }
        return nil
    }

    /// Polls GetChange until the change is INSYNC, or throws when `timeout` passes.
    public func waitForInSync(changeID: String, timeout: Duration = .seconds(120)) async throws(AWSError) {
        let id = changeID.split(separator: "/").last.map(String.init) ?? changeID
        let deadline = ContinuousClock.now + timeout
        while true {
            let response = try await client.send(.route53, method: "GET", path: "/2013-04-01/change/\(id)")
            if XMLText.first("Status", in: response.text) == "INSYNC" { return }
            guard ContinuousClock.now < deadline else {
                throw AWSError(service: "route53", status: 0, code: "Timeout", message: "change \(id) not INSYNC after \(timeout)")
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    private func change(zoneID: String, action: String, name: String, target: String, ttl: Int) async throws(AWSError) -> String {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes><Change>\
            <Action>\(action)</Action><ResourceRecordSet><Name>\(XMLText.escape(name))</Name><Type>CNAME</Type><TTL>\(ttl)</TTL>\
            <ResourceRecords><ResourceRecord><Value>\(XMLText.escape(target))</Value></ResourceRecord></ResourceRecords>\
            </ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>
            """
        let response = try await client.send(
            .route53,
            method: "POST",
            path: "/2013-04-01/hostedzone/\(zoneID)/rrset/",
            headers: [("Content-Type", "application/xml")],
            body: Data(body.utf8)
        )
        return XMLText.first("Id", in: response.text) ?? ""
    }
}
