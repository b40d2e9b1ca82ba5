import FleetAPI
import ServerSupport

/// Which service names exist, in which order they are provisioned and what each waits for: what
/// the provisioners publish. Until one has answered, any well-formed name is accepted (the
/// provisioner has the last word), in name order and without prerequisites.
struct ServiceNames: Sendable {
    let pool: ProvisionerPool

    func validate(_ name: ServiceName, field: String) async throws {
        guard name.rawValue.wholeMatch(of: /[a-z0-9][a-z0-9-]{0,62}/) != nil else {
            throw APIError.badRequest("\"\(name)\" is not a service name", field: field)
        }
        if let known = await pool.publishedServices(), !known.contains(name) {
            let list = known.order.map(\.rawValue).sorted().joined(separator: ", ")
            throw APIError.badRequest("unknown service \"\(name)\"; known services: \(list)", field: field)
        }
    }

    /// The names the provisioners publish, as profile documents are checked against them; nil
    /// until one has answered.
    var published: Set<String>? {
        get async { await pool.publishedServices().map { Set($0.order.map(\.rawValue)) } }
    }

    /// Which services each cannot run beside, both ways; empty until a provisioner has answered.
    var conflicts: [ServiceName: Set<ServiceName>] { pool.services?.conflicts ?? [:] }

    /// Every published service in provisioning order; none until a provisioner has answered.
    var order: [ServiceName] { pool.services?.order ?? [] }

    /// `names` in provisioning order, each with the services it must wait for.
    func plan(_ names: some Sequence<ServiceName>) async -> [(name: ServiceName, needs: Set<ServiceName>)] {
        guard let published = await pool.publishedServices() else { return names.sorted().map { ($0, []) } }
        return published.sorted(names).map { ($0, published.dependsOn[$0] ?? []) }
    }
}
