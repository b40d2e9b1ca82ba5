import Foundation
import HelmDriver
import Testing

/// An object's metadata found by a scan of its JSON, as a metadata-only GET or list answers it or
/// as the whole object; anything else is no version, so the object is compared whole.
@Suite("Object metadata scan")
struct ObjectMetadataTests {
    static func scan(_ text: String) -> LiveVersion? { LiveVersion(scanning: Data(text.utf8)) }

    @Test("a PartialObjectMetadata's uid and resourceVersion, past managedFields and annotations")
    func partialObjectMetadata() {
        let text = #"""
            {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"web","namespace":"a",
             "annotations":{"note":"a \"quoted\" {brace} [bracket], \\ and \u00e9"},
             "managedFields":[{"manager":"helm","fieldsV1":{"f:spec":{"f:replicas":{},"k:{\"name\":\"app\"}":{".":{}}}}}],
             "uid":"0b6c-11", "resourceVersion" : "4242", "generation": 3, "deletionGracePeriodSeconds": null}}
            """#
        #expect(Self.scan(text) == LiveVersion(uid: "0b6c-11", resourceVersion: "4242"))
    }

    @Test("the top-level metadata of a whole object, not a template's, wherever it comes")
    func topLevelOnly() {
        let text = """
            {"spec": {"template": {"metadata": {"uid": "template", "resourceVersion": "1"}}, "replicas": 2, "paused": false},
             "metadata": {"resourceVersion": "7", "uid": "real"}, "status": {"conditions": [[1, 2], {"a": [true]}]}}
            """
        #expect(Self.scan(text) == LiveVersion(uid: "real", resourceVersion: "7"))
    }

    @Test(
        "no version when either is missing, empty, escaped or not a string, or the text is not a JSON object",
        arguments: [
            #"{"metadata":{"uid":"u"}}"#,
            #"{"metadata":{"uid":"","resourceVersion":"1"}}"#,
            #"{"metadata":{"uid":"u\"x","resourceVersion":"1"}}"#,
            #"{"metadata":{"uid":"u","resourceVersion":7}}"#,
            #"{"spec":{"metadata":{"uid":"u","resourceVersion":"1"}}}"#,
            #"[{"metadata":{"uid":"u","resourceVersion":"1"}}]"#,
            #"{"metadata":{"uid":"u","resourceVersion":"1""#,
            #"{"metadata":{"uid":"u" "resourceVersion":"1"}}"#,
            #"{"a":"unterminated}"#,
            "",
            "{{{{{{{{{{",
        ]
    )
    func noVersion(_ text: String) {
        #expect(Self.scan(text) == nil)
    }

    @Test("a list's items: each one's name, version and string labels, in order")
    func listItems() throws {
        let text = #"""
            {"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"90"},"items":[
              {"kind":"PartialObjectMetadata","metadata":{"name":"sh.helm.release.v1.web.v1","uid":"a","resourceVersion":"3",
               "labels":{"owner":"helm","version":"1","odd":7,"escaped":"a\"b"},"managedFields":[{"f:data":{}}]}},
              {"metadata":{"labels":{"version":"2"},"name":"sh.helm.release.v1.web.v2","uid":"b","resourceVersion":"9"}}]}
            """#
        let items = try #require(ObjectMetadata.items(scanning: Data(text.utf8), labels: true))
        #expect(items.map(\.name) == ["sh.helm.release.v1.web.v1", "sh.helm.release.v1.web.v2"])
        #expect(items.map(\.labels) == [["owner": "helm", "version": "1"], ["version": "2"]])
        #expect(items.last.flatMap { LiveVersion(uid: $0.uid, resourceVersion: $0.resourceVersion) } == LiveVersion(uid: "b", resourceVersion: "9"))
        #expect(ObjectMetadata.items(scanning: Data(text.utf8))?.map(\.labels) == [[:], [:]], "labels only when asked for")
        #expect(ObjectMetadata.items(scanning: Data(#"{"items":[]}"#.utf8)) == [])
    }

    @Test(
        "no list when there are no items, or one is not an object with metadata",
        arguments: [
            #"{"metadata":{}}"#,
            #"{"items":{}}"#,
            #"{"items":[1]}"#,
            #"{"items":[{"spec":{}}]}"#,
            #"{"items":[{"metadata":{"name":"a"}}"#,
        ]
    )
    func noList(_ text: String) {
        #expect(ObjectMetadata.items(scanning: Data(text.utf8)) == nil)
    }
}
