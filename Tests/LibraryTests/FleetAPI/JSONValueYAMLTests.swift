import Foundation
import Testing

@testable import FleetAPI
@testable import HelmDriver

/// YAML from outside (values files, manifests rendered by Helm or read back from a cluster's
/// release Secret) decoded as JSON values, with aliases bounded.
@Suite("YAML values")
struct JSONValueYAMLTests {
    /// Nested aliases, ten of the level below at each level: 10^(levels + 1) values from a few
    /// hundred bytes ("billion laughs").
    static func laughs(levels: Int) -> String {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...levels {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n")
    }

    @Test("scalars, sequences, mappings and merge keys decode as Helm reads them")
    func decodes() throws {
        let text = """
            defaults: &defaults {replicas: 2, enabled: true}
            server:
              <<: *defaults
              ratio: 0.5
              name: prometheus
              tags: [a, b]
              empty: null
            """
        let value = try JSONValue(yaml: text)
        #expect(
            value.objectValue?["server"] == [
                "replicas": 2, "enabled": true, "ratio": .number(0.5), "name": "prometheus", "tags": ["a", "b"], "empty": .null,
            ]
        )
    }

    @Test("anchors reused a few times are fine")
    func modestAliases() throws {
        let text = "common: &c {a: 1, b: [1, 2, 3]}\n" + (0..<200).map { "s\($0): *c" }.joined(separator: "\n")
        #expect(try JSONValue(yaml: text).objectValue?["s199"] == ["a": 1, "b": [1, 2, 3]])
    }

    @Test("a document whose aliases would expand past its limit is refused at once, before decoding")
    func aliasBombRefused() {
        let text = Self.laughs(levels: 9)  // 10^10 values from under 600 bytes
        #expect(text.utf8.count < 600)
        #expect(throws: YAMLSize.TooLarge.self) { try JSONValue(yaml: text) }
    }

    @Test("a manifest with an alias bomb is refused, not expanded")
    func manifestBombRefused() {
        let manifest =
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n"
            + Self.laughs(levels: 8).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        #expect(throws: YAMLSize.TooLarge.self) { try ManifestObjects(manifest: manifest, namespace: "default") }
    }
}
