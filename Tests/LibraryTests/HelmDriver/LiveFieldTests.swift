import Testing

@testable import FleetAPI
@testable import HelmDriver

/// A manifest's fields against the live object's, as the API server stores what Helm sent.
@Suite("Comparing a manifest's field with the live one")
struct LiveFieldTests {
    @Test("null, an empty map and an empty list match a field the server left unset", arguments: ["null", "{}", "[]"])
    func emptyIsUnset(_ wanted: String) {
        #expect(LiveField.matches(path: "metadata.annotations", wanted: wanted, live: nil))
    }

    @Test("a value the manifest sets is drift when the server has none")
    func setButMissing() {
        #expect(!LiveField.matches(path: "spec.replicas", wanted: "2", live: nil))
        #expect(!LiveField.matches(path: "data.rules", wanted: #""""#, live: nil))
    }

    @Test("resource quantities match in any spelling of the same amount")
    func quantities() {
        let path = "spec.template.spec.containers[0].resources.requests.cpu"
        #expect(LiveField.matches(path: Substring(path), wanted: #""0.5""#, live: #""500m""#))
        #expect(LiveField.matches(path: Substring(path), wanted: "1", live: #""1""#))
        #expect(LiveField.matches(path: "spec.resources.requests.storage", wanted: #""2048Mi""#, live: #""2Gi""#))
        #expect(LiveField.matches(path: "spec.resources.limits.memory", wanted: #""1e3""#, live: #""1k""#))
        #expect(!LiveField.matches(path: Substring(path), wanted: #""500m""#, live: #""600m""#))
    }

    @Test("outside resources, the same digits with another unit are different values")
    func quantitiesOnlyWhereTheyAre() {
        #expect(!LiveField.matches(path: "data.size", wanted: #""0.5""#, live: #""500m""#))
    }

    @Test("a block scalar ending a document keeps its final newline, as the cluster has it")
    func blockScalarAtTheEnd() throws {
        let manifest = "kind: ConfigMap\ndata:\n  rules: |\n    {}\n---\nkind: Service\n"
        let first = try JSONValue(yaml: ManifestObjects.documents(manifest)[0])
        #expect(first[path: ["data", "rules"]] == "{}\n")
    }
}

extension JSONValue {
    fileprivate subscript(path path: [String]) -> JSONValue? {
        path.reduce(Optional(self)) { node, key in node?.objectValue?[key] }
    }
}

@Suite("A manifest object's fields")
struct ManifestFieldsTests {
    @Test("each leaf's text is what encoding it gives, escapes and numbers included")
    func fieldsAreEncodedLeaves() {
        let object: JSONValue = [
            "a": "plain/path", "b": "quote \" and \\ and \u{1}", "c": "ünïcode", "d": 3, "e": .number(0.5), "f": true, "g": .null,
            "h": [:], "i": [], "j": ["k": [1, "x"], "l": [["m": 2]]],
        ]
        let fields = ManifestObjects.fields(object)
        for (path, leaf) in [
            ("a", object.objectValue!["a"]!), ("b", object.objectValue!["b"]!), ("c", object.objectValue!["c"]!), ("d", 3), ("e", .number(0.5)),
            ("f", true), ("g", .null), ("h", [:]), ("i", []), ("j.k", [1, "x"]), ("j.l[0].m", 2),
        ] as [(String, JSONValue)] {
            #expect(fields[path] == String(decoding: leaf.encoded(), as: UTF8.self), "\(path)")
        }
        #expect(fields.count == 11)
    }

    @Test("a list of scalars is one field, so an element added by hand is a change; a list of objects is walked")
    func scalarListsWhole() {
        let wanted = ManifestObjects.fields(["rules": [["verbs": ["get"]]]])
        let live = ManifestObjects.fields(["rules": [["verbs": ["get", "list"]]]])
        #expect(wanted == ["rules[0].verbs": #"["get"]"#])
        #expect(!LiveField.matches(path: "rules[0].verbs", wanted: wanted["rules[0].verbs"]!, live: live["rules[0].verbs"]))
        #expect(ManifestObjects.canonical(["args": ["a", "b"]]) == "args[0]: \"a\"\nargs[1]: \"b\"", "a diff still shows each element")
    }
}
