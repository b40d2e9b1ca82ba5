import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import HelmDriver

/// Server-side apply, discovery and delete of objects by kind, against the testbed's emulator (which
/// applies as the API server's field manager does).
@Suite("Applying objects server-side", .tags(.integration))
struct ObjectApplyTests {
    static let crds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/charts/kube-prometheus-stack-88.5.3/charts/crds/crds")
        .path

    let config = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "settings")

    func withCluster(_ body: (KubeClient) async throws -> Void) async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let emulator = try await KubeEmulator.start(scratch: scratch)
        defer {
            emulator.stop()
            try? FileManager.default.removeItem(atPath: scratch)
        }
        try await body(KubeClient(kubeconfig: try Kubeconfig(parsing: emulator.kubeconfig, policy: .testbed)))
    }

    static func configMap(_ value: String) -> Data {
        Data(
            #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "default"}, "data": {"level": "\#(value)"}}"#
                .utf8
        )
    }

    static func field(_ object: Data?) -> String? {
        (try? JSONDecoder().decode([String: JSONValue].self, from: object ?? Data()))?["data"]?.objectValue?["level"].flatMap {
            if case .string(let text) = $0 { text } else { nil }
        }
    }

    @Test("an object is created and changed by applying it; a dry run stores nothing")
    func applies() async throws {
        try await withCluster { kube in
            let resource = try #require(try await kube.resources(of: [config])[KubeClient.key(config)])
            #expect(resource == KubeClient.Resource(plural: "configmaps", namespaced: true))

            _ = try await kube.apply(Self.configMap("info"), as: config, resource: resource, fieldManager: "cloud-provisioner")
            let planned = try await kube.apply(
                Self.configMap("debug"),
                as: config,
                resource: resource,
                fieldManager: "cloud-provisioner",
                dryRun: true
            )
            let stored = try await kube.get("/api/v1/namespaces/default/configmaps/settings")

            #expect(Self.field(planned) == "debug")
            #expect(Self.field(stored) == "info")
        }
    }

    @Test("a field another manager owns is a conflict naming it, unless forced")
    func conflicts() async throws {
        try await withCluster { kube in
            let resource = try #require(try await kube.resources(of: [config])[KubeClient.key(config)])
            _ = try await kube.apply(Self.configMap("info"), as: config, resource: resource, fieldManager: "someone-else")

            await #expect {
                _ = try await kube.apply(Self.configMap("debug"), as: config, resource: resource, fieldManager: "cloud-provisioner")
            } throws: { error in
                "\(error)".contains("apply ConfigMap default/settings: HTTP 409") && "\(error)".contains("someone-else")
            }
            let forced = try await kube.apply(Self.configMap("debug"), as: config, resource: resource, fieldManager: "cloud-provisioner", force: true)
            #expect(Self.field(forced) == "debug")
        }
    }

    @Test("a custom resource's kind is found once its CRD is applied; before, the error says what is missing")
    func customKinds() async throws {
        try await withCluster { kube in
            let prometheus = ObjectRef(apiVersion: "monitoring.coreos.com/v1", kind: "Prometheus", namespace: "monitoring", name: "main")
            await #expect {
                _ = try await kube.resources(of: [prometheus])
            } throws: { error in
                "\(error)" == "the cluster serves no Prometheus in monitoring.coreos.com/v1 (is its CustomResourceDefinition installed?)"
            }
            let crd = try String(contentsOfFile: "\(Self.crds)/crd-prometheuses.yaml", encoding: .utf8)
            let definition = ObjectRef(
                apiVersion: "apiextensions.k8s.io/v1",
                kind: "CustomResourceDefinition",
                name: "prometheuses.monitoring.coreos.com"
            )
            let crdResource = try #require(try await kube.resources(of: [definition])[KubeClient.key(definition)])
            _ = try await kube.apply(Data(crd.utf8), as: definition, resource: crdResource, fieldManager: "cloud-provisioner")

            let found = try await kube.resources(of: [prometheus])[KubeClient.key(prometheus)]
            #expect(found == KubeClient.Resource(plural: "prometheuses", namespaced: true))
        }
    }

    @Test("delete removes the object and says whether it was there")
    func deletes() async throws {
        try await withCluster { kube in
            let resource = try #require(try await kube.resources(of: [config])[KubeClient.key(config)])
            _ = try await kube.apply(Self.configMap("info"), as: config, resource: resource, fieldManager: "cloud-provisioner")

            let first = try await kube.delete(config, resource: resource)
            let second = try await kube.delete(config, resource: resource)

            #expect(first && !second)
            #expect(try await kube.get("/api/v1/namespaces/default/configmaps/settings") == nil)
        }
    }

    @Test("a name that is not one path segment is refused before any request (a record read back from a cluster names it)")
    func unsafeNames() async throws {
        try await withCluster { kube in
            let escaping = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "../../secrets/x")
            await #expect {
                _ = try await kube.resources(of: [escaping])
            } throws: { error in
                "\(error)" == "ConfigMap default/../../secrets/x is not a valid object name, namespace or apiVersion"
            }
            let served = try await kube.resources(of: [escaping], servedOnly: true)
            #expect(served.isEmpty)
        }
    }
}
