import Yams

extension JSONValue {
    /// Reads a YAML document (JSON is YAML too), as Helm reads a values file.
    ///
    /// Aliases are expanded into the value, so a few hundred bytes of nested aliases ("billion
    /// laughs") would make billions of values; a document that expands to more than `YAMLSize`
    /// allows for its length is refused before it is decoded. Helm refuses such documents too:
    /// sigs.k8s.io/yaml decodes with go-yaml v2, whose decode.go fails them with "document contains
    /// excessive aliasing" (the fix for CVE-2019-11253). Deep nesting needs no check here: the
    /// libyaml inside Yams refuses documents nested more than 1,000 deep (MAX_NESTING_LEVEL, parser.c).
    public init(yaml text: String) throws {
        // As `YAMLDecoder.decode(_:from: String)` parses, so the same text decodes the same.
        let parser = try Parser(yaml: text, resolver: Resolver.basic.appending(.merge), encoding: .default)
        self = try withExtendedLifetime(parser) {
            let node = try parser.singleRoot() ?? ""
            try YAMLSize(limitFor: text).check(node)
            return try YAMLDecoder().decode(JSONValue.self, from: node)
        }
    }
}

/// How many values a YAML document may expand to, aliases included: eight per byte of its text
/// and 10,000 more (a document without aliases has fewer values than bytes, and anchors reused
/// a few times fit easily), at most 4,000,000. Counting stops at the limit, so checking costs
/// no more than the limit however far the aliases would expand.
struct YAMLSize: Sendable {
    let limit: Int

    init(limitFor text: String) {
        limit = min(text.utf8.count * 8 + 10_000, 4_000_000)
    }

    struct TooLarge: Error, CustomStringConvertible, Equatable {
        var limit: Int
        var description: String {
            "the YAML document expands, through its aliases, to more than \(limit) values"
        }
    }

    func check(_ node: Node) throws(TooLarge) {
        var count = 0
        var pending = [node]
        while let next = pending.popLast() {
            count += 1
            guard count <= limit else { throw TooLarge(limit: limit) }
            switch next {
            case .scalar, .alias: break
            case .sequence(let sequence): pending.append(contentsOf: sequence)
            case .mapping(let mapping):
                for (key, value) in mapping {
                    pending.append(key)
                    pending.append(value)
                }
            }
        }
    }
}
