import FleetAPI
import Foundation
import Yams

/// A profile's chart versions against what the provisioners offer: a version none of them has is
/// refused when the profile is applied, naming its field, instead of failing on every cluster
/// later. A service no provisioner can answer for (none ready, or all older than the versions
/// endpoint) is not held up: its deployments say what is wrong then.
struct ChartVersionCheck: Sendable {
    /// What the ready provisioners say they can deploy of a service; `refresh`: after reading their
    /// chart source again.
    let offered: @Sendable (_ service: ServiceName, _ refresh: Bool) async -> [ChartVersions]

    /// - Parameter document: the profile's text, for the line of a refused version.
    func check(_ profile: Profile, document: String) async throws(Profile.Invalid) {
        // A service from another repository is not in what the provisioners' own sources offer.
        for (name, service) in profile.services.sorted(by: { $0.key < $1.key }) where service.chartRepository == nil {
            var requested: [(path: [String], version: String)] = []
            if let version = service.chartVersion { requested.append((["chartVersion"], version)) }
            for (index, choice) in service.versionsByKubernetes.enumerated() {
                requested.append((["versionsByKubernetes", "\(index)", "chartVersion"], choice.chartVersion))
            }
            var answers = await offered(ServiceName(name), false)
            func missing() -> [(path: [String], version: String)] {
                requested.filter { wanted in !answers.contains { $0.offers(wanted.version) } }
            }
            guard !answers.isEmpty, !missing().isEmpty else { continue }
            // Published since a provisioner last read its repository?
            answers = await offered(ServiceName(name), true)
            guard !answers.isEmpty, let first = missing().first else { continue }
            let have = Set(answers.flatMap(\.versions)).sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            let listed = have.prefix(8).joined(separator: ", ") + (have.count > 8 ? ", ..." : "")
            let path = ["services", name] + first.path
            throw Profile.Invalid(
                field: path.joined(separator: ".").replacing(/\.([0-9]+)\./) { "[\($0.1)]." },
                line: Self.line(of: path, in: document),
                reason:
                    "version \(first.version) of chart \(answers[0].chart) is offered by no provisioner (\(have.isEmpty ? "they have none" : "they have \(listed)"))"
            )
        }
    }

    /// The line of the value at `path` (mapping keys, list indexes) in a YAML or JSON document.
    static func line(of path: [String], in document: String) -> Int? {
        var node = try? Yams.compose(yaml: document)
        for step in path {
            switch node {
            case .mapping(let mapping)?: node = mapping[step]
            case .sequence(let items)?: node = Int(step).flatMap { items.indices.contains($0) ? items[$0] : nil }
            default: return nil
            }
        }
        return node?.mark?.line
    }
}
