extension JSONValue {
    /// Puts `value` at `keys`, making the objects on the way; whatever was there is replaced
    /// (request validation makes sure nothing was).
    public mutating func set(_ value: JSONValue, at keys: some Collection<String>) {
        guard let key = keys.first else {
            self = value
            return
        }
        var object = objectValue ?? [:]
        var child = object[key] ?? .object([:])
        child.set(value, at: keys.dropFirst())
        object[key] = child
        self = .object(object)
    }

    /// The value at a dotted path (`a.b.c`); nil when an object on the way lacks the key.
    public func value(at path: String) -> JSONValue? {
        var current = self
        for key in path.split(separator: ".") {
            guard let next = current.objectValue?[String(key)] else { return nil }
            current = next
        }
        return current
    }

    /// Every string in the value, at any depth.
    public var strings: [String] {
        switch self {
        case .string(let text): [text]
        case .array(let items): items.flatMap(\.strings)
        case .object(let fields): fields.values.flatMap(\.strings)
        case .null, .bool, .number: []
        }
    }
}
