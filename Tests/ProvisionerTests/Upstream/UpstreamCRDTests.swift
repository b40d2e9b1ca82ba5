import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// The objects a service declares hold only fields their CustomResourceDefinitions declare, at every
/// kube-prometheus-stack version kept upstream: the operator's own schema is the ground truth, as
/// the charts' values are for the helm services (an invented field would be pruned by the API
/// server, or refused, and do nothing).
@Suite("Declared objects against the upstream CRDs")
struct UpstreamCRDTests {
    static let stacks = ["kube-prometheus-stack-79.12.0", "kube-prometheus-stack-88.5.3"]

    /// The `openAPIV3Schema` of each served version of each CRD in a kept chart, by `GROUP/VERSION KIND`.
    static func schemas(_ stack: String) throws -> [String: JSONValue] {
        let directory = "\(UpstreamChart.root)/\(stack)/charts/crds/crds"
        var schemas: [String: JSONValue] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasSuffix(".yaml") {
            let crd = try JSONValue(yaml: String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8))
            guard let spec = crd.objectValue?["spec"]?.objectValue, case .string(let group)? = spec["group"],
                case .string(let kind)? = spec["names"]?.objectValue?["kind"], case .array(let versions)? = spec["versions"]
            else { continue }
            for version in versions {
                guard case .string(let name)? = version.objectValue?["name"],
                    let schema = version.objectValue?["schema"]?.objectValue?["openAPIV3Schema"]
                else { continue }
                schemas["\(group)/\(name) \(kind)"] = schema
            }
        }
        return schemas
    }

    /// The paths of `value` that `schema` does not declare.
    static func undeclared(_ value: JSONValue, in schema: JSONValue, path: String) -> [String] {
        let node = schema.objectValue ?? [:]
        if node["x-kubernetes-preserve-unknown-fields"] == true { return [] }
        switch value {
        case .object(let fields):
            let properties = node["properties"]?.objectValue
            let additional = node["additionalProperties"]
            return fields.keys.sorted().flatMap { key -> [String] in
                let child = path.isEmpty ? key : "\(path).\(key)"
                if let declared = properties?[key] { return undeclared(fields[key] ?? .null, in: declared, path: child) }
                if let additional, additional != false { return undeclared(fields[key] ?? .null, in: additional, path: child) }
                return [child]
            }
        case .array(let items):
            guard let itemSchema = node["items"] else { return [] }
            return items.enumerated().flatMap { undeclared($1, in: itemSchema, path: "\(path)[\($0)]") }
        default:
            return []
        }
    }

    @Test("every field of every declared object is one its CRD declares, at every kept version", arguments: stacks)
    func fieldsAreDeclared(_ stack: String) throws {
        let schemas = try Self.schemas(stack)
        for service in ServiceCatalog.standard.all {
            guard let declared = service.strategy.objects else { continue }
            let request = DeploymentRequest(clusterID: "c1", service: service.name, action: .apply, kubeconfig: "")
            let values = try JSONValue(yaml: service.defaultValues).merging(service.derivedValues(for: request))
            for object in try ObjectTemplate(declared.objects).render(values) {
                guard case .string(let apiVersion)? = object.objectValue?["apiVersion"], case .string(let kind)? = object.objectValue?["kind"],
                    apiVersion.contains(".")
                else { continue }
                let schema = try #require(schemas["\(apiVersion) \(kind)"], "\(stack) has no CRD for \(apiVersion) \(kind)")
                var body = object.objectValue ?? [:]
                body["metadata"] = nil
                #expect(Self.undeclared(.object(body), in: schema, path: "") == [], "\(service.name) \(kind) in \(stack)")
            }
        }
    }

    @Test("an invented field is reported with its path")
    func inventedField() throws {
        let schemas = try Self.schemas(Self.stacks[1])
        let schema = try #require(schemas["monitoring.coreos.com/v1 Prometheus"])

        let found = Self.undeclared(["spec": ["retention": "1d", "retentionn": "2d", "externalLabels": ["any": "x"]]], in: schema, path: "")

        #expect(found == ["spec.retentionn"])
    }
}
