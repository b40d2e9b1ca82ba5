import Foundation

/// The operations ("get /api/x/{id}") an OpenAPI 3 document describes.
public struct OpenAPIDocument {
    public let operations: Set<String>

    public init(_ bytes: [UInt8]) throws {
        let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        let paths = object?["paths"] as? [String: [String: Any]] ?? [:]
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        operations = Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0) \(path)" } })
    }
}
