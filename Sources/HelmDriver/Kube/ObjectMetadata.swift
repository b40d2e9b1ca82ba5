/// What a drift check needs of an object's `metadata`, read by a scan of the object's JSON that
/// builds nothing else (`JSONScan`): its `managedFields` are most of its bytes, and decoding them
/// for every object of a fleet was most of what a check of an unchanged release cost. A field
/// that is not a plain string (absent, escaped, another type) is nil.
public struct ObjectMetadata: Sendable, Hashable {
    public var name: String?
    public var uid: String?
    public var resourceVersion: String?
    /// Only the labels whose values are plain strings, and only when asked for.
    public var labels: [String: String] = [:]

    /// The top-level `metadata` of an object (a whole one, or a `PartialObjectMetadata`); nil when
    /// the text is not a JSON object with one.
    public init?(scanning json: some Collection<UInt8>) {
        var scan = JSONScan(Array(json))
        guard let found = scan.objectMetadata(labels: false) else { return nil }
        self = found
    }

    init() {}

    /// The metadata of each item of a list (a whole one, or a `PartialObjectMetadataList`); nil
    /// when the text is not a JSON object with an `items` array of objects with metadata.
    public static func items(scanning json: some Collection<UInt8>, labels: Bool = false) -> [ObjectMetadata]? {
        var scan = JSONScan(Array(json))
        var items: [ObjectMetadata]?
        guard
            scan.members({ scan, key in
                guard key.elementsEqual("items".utf8) else { return scan.skipValue() }
                var found: [ObjectMetadata] = []
                let complete = scan.elements { scan in
                    guard let metadata = scan.objectMetadata(labels: labels) else { return false }
                    found.append(metadata)
                    return true
                }
                items = found
                return complete
            })
        else { return nil }
        return items
    }
}

/// Just enough of a JSON reader to find a few strings: it steps over values without building
/// them. Malformed text ends the scan (false or nil), never a crash.
struct JSONScan {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// An object's top-level `metadata`, read by `metadata(labels:)`; nil when it has none.
    mutating func objectMetadata(labels: Bool) -> ObjectMetadata? {
        var found: ObjectMetadata?
        let complete = members { scan, key in
            guard key.elementsEqual("metadata".utf8) else { return scan.skipValue() }
            found = scan.metadata(labels: labels)
            return found != nil
        }
        return complete ? found : nil
    }

    /// A `metadata` object's name, uid, resourceVersion, and its labels when `labels` is set.
    mutating func metadata(labels: Bool) -> ObjectMetadata? {
        var metadata = ObjectMetadata()
        let complete = members { scan, key in
            if key.elementsEqual("labels".utf8), labels {
                return scan.members { scan, key in
                    guard let value = scan.plainString() else { return scan.skipValue() }
                    metadata.labels[String(decoding: key, as: UTF8.self)] = value
                    return true
                }
            }
            let field: WritableKeyPath<ObjectMetadata, String?>
            if key.elementsEqual("name".utf8) {
                field = \.name
            } else if key.elementsEqual("uid".utf8) {
                field = \.uid
            } else if key.elementsEqual("resourceVersion".utf8) {
                field = \.resourceVersion
            } else {
                return scan.skipValue()
            }
            guard let text = scan.plainString() else { return scan.skipValue() }
            metadata[keyPath: field] = text
            return true
        }
        return complete ? metadata : nil
    }

    /// Reads an object, handing each member's key to `value`, which reads the member's value.
    mutating func members(_ value: (inout JSONScan, ArraySlice<UInt8>) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipSpace()
            guard let key = rawString(), take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            guard value(&self, key) else { return false }
            if take(UInt8(ascii: "}")) { return true }
            guard take(UInt8(ascii: ",")) else { return false }
        }
    }

    /// Reads an array, `element` reading each element.
    mutating func elements(_ element: (inout JSONScan) -> Bool) -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        if take(UInt8(ascii: "]")) { return true }
        while true {
            skipSpace()
            guard element(&self) else { return false }
            if take(UInt8(ascii: "]")) { return true }
            guard take(UInt8(ascii: ",")) else { return false }
        }
    }

    /// A string without escapes, as a String; nil (the value left unread) for anything else.
    mutating func plainString() -> String? {
        let start = index
        guard let raw = rawString(), !raw.contains(UInt8(ascii: "\\")) else {
            index = start
            return nil
        }
        return String(decoding: raw, as: UTF8.self)
    }

    /// The bytes between a string's quotes, escapes left as they are.
    mutating func rawString() -> ArraySlice<UInt8>? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""):
                index += 1
                return bytes[start..<(index - 1)]
            default: index += 1
            }
        }
        return nil
    }

    /// Steps over one value: a string, an object or array (by counting brackets outside strings),
    /// or a number or literal.
    mutating func skipValue() -> Bool {
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return rawString() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard rawString() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return true
                    }
                default: break
                }
                index += 1
            }
            return false
        default:
            let start = index
            while index < bytes.count, !Self.ends(bytes[index]) { index += 1 }
            return index > start
        }
    }

    /// Whether the next byte after any whitespace is `byte`, taking it if so.
    mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func skipSpace() {
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }

    static func ends(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
    }
}
