import Testing

@testable import Internal

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
