import Testing

@testable import FleetAPI
@testable import HelmDriver

/// Who changed a field, from the live object's `managedFields`.
@Suite("Field owners from managedFields")
struct ManagedFieldsTests {
    static let live: JSONValue = [
        "metadata": [
            "name": "web",
            "managedFields": [
                [
                    "manager": "helm", "operation": "Apply",
                    "fieldsV1": ["f:spec": ["f:template": ["f:spec": ["f:containers": [#"k:{"name":"app"}"#: [".": [:], "f:args": [:]]]]]]],
                ],
                ["manager": "kubectl", "operation": "Update", "subresource": "scale", "fieldsV1": ["f:spec": ["f:replicas": [:]]]],
                [
                    "manager": "kubectl-edit", "operation": "Update",
                    "fieldsV1": ["f:spec": ["f:template": ["f:spec": ["f:containers": [#"k:{"name":"app"}"#: ["f:image": [:]]]]]]],
                ],
            ],
        ],
        "spec": ["replicas": 3, "template": ["spec": ["containers": [["name": "app", "image": "x:2", "args": ["--a", "--b"]]]]]],
    ]

    let owners = ManagedFields(live) { $0 == "helm" }

    @Test("a field changed through a subresource names the manager and the subresource")
    func scaled() {
        #expect(owners.owners(of: "spec.replicas") == ["kubectl (scale)"])
    }

    @Test("a list item is found by its key fields")
    func keyedItem() {
        #expect(owners.owners(of: "spec.template.spec.containers[0].image") == ["kubectl-edit"])
    }

    @Test("the ignored manager's fields, and fields nobody owns, have no owner")
    func ignored() {
        #expect(owners.owners(of: "spec.template.spec.containers[0].args[1]") == [])
        #expect(owners.owners(of: "spec.paused") == [])
    }
}

/// What a provisioner remembers of in-sync checks.
@Suite("Drift memory")
struct DriftMemoryTests {
    static func secret(_ name: String, version: String) -> HelmReleaseRevision {
        HelmReleaseRevision(
            release: ReleaseRef(name: name, namespace: "ns"),
            secretName: "sh.helm.release.v1.\(name).v1",
            version: LiveVersion(uid: "u-\(name)", resourceVersion: version)
        )
    }

    static let entry = DriftMemory.Entry(
        stored: StoredRelease(info: ReleaseInfo(name: "a", namespace: "ns", revision: 1, status: .deployed, chart: "c-1"), manifest: ""),
        compared: []
    )

    @Test("an entry answers only for the same Secret version on the same server")
    func sameRevisionOnly() {
        let memory = DriftMemory()
        memory.record(server: "https://a", revision: Self.secret("a", version: "1"), entry: Self.entry)
        #expect(memory.entry(server: "https://a", revision: Self.secret("a", version: "1")) != nil)
        #expect(memory.entry(server: "https://a", revision: Self.secret("a", version: "2")) == nil)
        #expect(memory.entry(server: "https://b", revision: Self.secret("a", version: "1")) == nil)
    }

    @Test("a drifted check forgets the release; past capacity the least recently checked go")
    func forgetting() {
        let memory = DriftMemory(capacity: 10)
        memory.record(server: "s", revision: Self.secret("a", version: "1"), entry: Self.entry)
        memory.record(server: "s", revision: Self.secret("a", version: "1"), entry: nil)
        #expect(memory.count == 0)
        for index in 0..<11 { memory.record(server: "s", revision: Self.secret("r\(index)", version: "1"), entry: Self.entry) }
        #expect(memory.count == 10)
        #expect(memory.entry(server: "s", revision: Self.secret("r0", version: "1")) == nil)
        #expect(memory.entry(server: "s", revision: Self.secret("r10", version: "1")) != nil)
    }
}
