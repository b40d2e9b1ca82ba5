import FleetAPI
import Testing

@testable import HelmDriver

/// A service's objects rendered from its values, one string at a time.
@Suite("Object templates")
struct ObjectTemplateTests {
    static let template = """
        apiVersion: monitoring.coreos.com/v1
        kind: Prometheus
        metadata:
          name: main
          labels: {cluster: "{{ cluster.id }}"}
        spec:
          replicas: "{{prometheus.replicas}}"
          retention: "{{ prometheus.retention }}"
          externalLabels: "{{ prometheus.externalLabels }}"
          image: "quay.io/prometheus/prometheus:v{{prometheus.version}}"
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: Alertmanager
        metadata: {name: main}
        """
    static let values: JSONValue = [
        "cluster": ["id": "c1"],
        "prometheus": ["replicas": 2, "retention": "15d", "externalLabels": ["clusterID": "c1"], "version": "3.5.0"],
    ]

    @Test("a string that is one reference takes the value with its type; others are text; documents stay apart")
    func renders() throws {
        let objects = try ObjectTemplate(Self.template).render(Self.values)

        #expect(objects.count == 2)
        let spec = objects[0].objectValue?["spec"]?.objectValue
        #expect(spec?["replicas"] == 2)
        #expect(spec?["retention"] == "15d")
        #expect(spec?["externalLabels"] == ["clusterID": "c1"])
        #expect(spec?["image"] == "quay.io/prometheus/prometheus:v3.5.0")
        #expect(objects[0].objectValue?["metadata"]?.objectValue?["labels"] == ["cluster": "c1"])
        #expect(objects[1].objectValue?["kind"] == "Alertmanager")
    }

    @Test("a value cannot add structure: YAML in a value stays one string")
    func noInjection() throws {
        let values: JSONValue = ["cluster": ["id": "c1\nspec: {hostNetwork: true}"], "prometheus": Self.values.objectValue?["prometheus"] ?? [:]]

        let objects = try ObjectTemplate(Self.template).render(values)

        #expect(objects[0].objectValue?["metadata"]?.objectValue?["labels"] == ["cluster": "c1\nspec: {hostNetwork: true}"])
        #expect(objects[0].objectValue?["spec"]?.objectValue?["hostNetwork"] == nil)
    }

    @Test("a value the values lack is an error naming the object and the field")
    func missingValue() {
        #expect(throws: ObjectTemplate.Invalid(description: "document 1, spec.externalLabels: no value prometheus.externalLabels")) {
            try ObjectTemplate(Self.template).render(["cluster": ["id": "c1"], "prometheus": ["replicas": 1]])
        }
    }

    @Test("a mapping inside text is refused; a document that is not a mapping is refused")
    func refusals() {
        #expect(throws: ObjectTemplate.Invalid(description: "document 1, data.x: a is not text, a number or a boolean")) {
            try ObjectTemplate("kind: ConfigMap\ndata: {x: 'v={{a}}'}").render(["a": ["b": 1]])
        }
        #expect(throws: ObjectTemplate.Invalid(description: "document 2 of the objects is not a mapping")) {
            try ObjectTemplate("kind: ConfigMap\n---\n- a list\n")
        }
    }
}
