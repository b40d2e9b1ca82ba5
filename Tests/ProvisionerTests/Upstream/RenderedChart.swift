import FleetAPI
import Foundation
import HelmDriver
import TestSupport

@testable import provisioner

/// A service's chart rendered by the testbed's real Helm (`helm template`) with exactly the values
/// files a deployment passes: what the cluster would be asked to run, object by object.
struct RenderedChart {
    var objects: [String: JSONValue] = [:]

    /// - Parameter request: the deployment the values are derived for.
    init(_ service: any ThirdPartyService, version: String, request: DeploymentRequest) async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let chart = try ChartLocator(chartDirectory: Testbed.charts).locate(service.helm.chart, version: version)
        var arguments = ["template", service.helm.release.name, chart.reference, "-n", service.helm.release.namespace]
        for document in HelmDeployer.values(for: request, service: service) {
            try document.contents.write(toFile: "\(scratch)/\(document.name)", atomically: true, encoding: .utf8)
            arguments += ["-f", "\(scratch)/\(document.name)"]
        }
        let run = try await CommandRun.run(Testbed.helm, arguments, environment: ["TESTBED_HOME": Testbed.home])
        guard run.status == 0 else { throw Failed(stderr: run.stderr) }
        for document in ManifestObjects.documents(run.stdout) {
            guard case .object(let object) = try JSONValue(yaml: document),
                case .string(let kind)? = object["kind"], case .string(let name)? = object["metadata"]?.objectValue?["name"]
            else { continue }
            objects["\(kind)/\(name)"] = .object(object)
        }
    }

    /// The object of that kind and name, or an empty one (so a failed expectation names what is missing).
    subscript(_ kind: String, _ name: String) -> JSONValue {
        objects["\(kind)/\(name)"] ?? [:]
    }

    /// A text field of an object, e.g. a ConfigMap's `data` entry.
    func text(_ kind: String, _ name: String, _ path: String...) -> String {
        guard case .string(let text)? = self[kind, name][path: path] else { return "" }
        return text
    }

    /// A container of a workload's pod template: the one named, else the first.
    func container(_ kind: String, _ name: String, named container: String? = nil) -> JSONValue {
        guard case .array(let containers)? = self[kind, name][path: ["spec", "template", "spec", "containers"]] else { return [:] }
        guard let container else { return containers.first ?? [:] }
        return containers.first { $0.objectValue?["name"] == .string(container) } ?? [:]
    }

    struct Failed: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "helm template failed: \(stderr)" }
    }
}
