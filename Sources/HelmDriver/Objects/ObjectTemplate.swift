public import FleetAPI
import Yams

/// The objects a service declares, as a YAML stream whose strings may name values: `{{ a.b }}` is
/// the value at `a.b` of the service's values (shipped defaults, then per-cluster, then the
/// request's), as a chart's templates read `.Values`. The stream is parsed first and each string
/// rendered on its own, so a value can never add structure: a string that is exactly one
/// `{{ path }}` becomes that value with its type (a number, a list, a mapping), any other is text.
/// A path the values lack is an error naming the object and the field.
public struct ObjectTemplate: Sendable {
    private let documents: [JSONValue]

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// - Parameter text: the declaration's YAML stream (documents separated by `---`).
    public init(_ text: String) throws(Invalid) {
        documents = try Self.objects(in: text)
    }

    /// The objects of a YAML stream as they are, nothing rendered (e.g. a chart's CRDs, whose
    /// descriptions may hold `{{` of their own).
    public static func objects(in text: String) throws(Invalid) -> [JSONValue] {
        let documents: [JSONValue]
        do {
            documents = try Yams.compose_all(yaml: text).compactMap { node in
                node.null != nil ? nil : try YAMLDecoder().decode(JSONValue.self, from: node)
            }
        } catch {
            throw Invalid(description: "the objects are not YAML: \(error)")
        }
        for (index, document) in documents.enumerated() where document.objectValue == nil {
            throw Invalid(description: "document \(index + 1) of the objects is not a mapping")
        }
        return documents
    }

    /// Each object with the values put in.
    public func render(_ values: JSONValue) throws(Invalid) -> [JSONValue] {
        try documents.enumerated().map { (index, document) throws(Invalid) in
            try Self.render(document, values: values, path: "", object: "document \(index + 1)")
        }
    }

    private static func render(_ node: JSONValue, values: JSONValue, path: String, object: String) throws(Invalid) -> JSONValue {
        switch node {
        case .object(let fields):
            var rendered: [String: JSONValue] = [:]
            // In key order, so the first error is the same every time.
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                rendered[key] = try render(value, values: values, path: path.isEmpty ? key : "\(path).\(key)", object: object)
            }
            return .object(rendered)
        case .array(let items):
            return .array(
                try items.enumerated().map { (index, item) throws(Invalid) in
                    try render(item, values: values, path: "\(path)[\(index)]", object: object)
                }
            )
        case .string(let text):
            return try render(text, values: values, path: path, object: object)
        case .null, .bool, .number:
            return node
        }
    }

    private static func render(_ text: String, values: JSONValue, path: String, object: String) throws(Invalid) -> JSONValue {
        let references = text.matches(of: /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/)
        guard !references.isEmpty else { return .string(text) }
        func value(_ name: Substring) throws(Invalid) -> JSONValue {
            var current = values
            for key in name.split(separator: ".") {
                guard let next = current.objectValue?[String(key)] else {
                    throw Invalid(description: "\(object), \(path): no value \(name)")
                }
                current = next
            }
            return current
        }
        if references.count == 1, references[0].range == text.startIndex..<text.endIndex { return try value(references[0].output.1) }
        var rendered = ""
        var rest = text[...]
        for reference in references {
            rendered += rest[rest.startIndex..<reference.range.lowerBound]
            switch try value(reference.output.1) {
            case .string(let string): rendered += string
            case .number(let number): rendered += number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
            case .bool(let flag): rendered += String(flag)
            case .null, .array, .object: throw Invalid(description: "\(object), \(path): \(reference.output.1) is not text, a number or a boolean")
            }
            rest = rest[reference.range.upperBound...]
        }
        return .string(rendered + rest)
    }
}
