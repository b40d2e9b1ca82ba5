import Foundation
import Internal
import Testing

/// An object's version found by a scan of its JSON, as a metadata-only GET answers it or as the
/// whole object; anything else is no version, so the object is compared whole.
@Suite("Live version scan")
struct LiveVersionTests {
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
}
