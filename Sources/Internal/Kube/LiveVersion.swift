/// An object's identity and version on its API server: the same pair means the same object,
/// unchanged (the API server gives every write a new resourceVersion, and a recreated object a new
/// uid).
public struct LiveVersion: Sendable, Hashable {
    public var uid: String
    public var resourceVersion: String

    public init?(uid: String?, resourceVersion: String?) {
        guard let uid, let resourceVersion, !uid.isEmpty, !resourceVersion.isEmpty else { return nil }
        self.uid = uid
        self.resourceVersion = resourceVersion
    }

    /// The `metadata.uid` and `metadata.resourceVersion` of an object's JSON, found by a scan that
    /// builds nothing else: a drift check of a fleet nobody changed reads thousands of objects'
    /// metadata a second to learn just these, and decoding each whole (its `managedFields` are most
    /// of it) was most of what the check cost. Nil when the text is not an object with both as
    /// plain strings in its top-level `metadata`: the caller then compares the object as a whole.
    public init?(scanning json: some Collection<UInt8>) {
        var scanner = JSONScan(Array(json))
        guard let found = scanner.metadataVersion() else { return nil }
        self.init(uid: found.uid, resourceVersion: found.resourceVersion)
    }
}

/// Just enough of a JSON reader to find two strings: it steps over values without building them.
/// Malformed text ends the scan (nil), never a crash.
private struct JSONScan {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func metadataVersion() -> (uid: String, resourceVersion: String)? {
        var found: (uid: String?, resourceVersion: String?) = (nil, nil)
        let complete = members { scan, key in
            guard key.elementsEqual("metadata".utf8) else { return scan.skipValue() }
            return scan.members { scan, key in
                if key.elementsEqual("uid".utf8) {
                    found.uid = scan.plainString()
                    return found.uid != nil
                }
                if key.elementsEqual("resourceVersion".utf8) {
                    found.resourceVersion = scan.plainString()
                    return found.resourceVersion != nil
                }
                return scan.skipValue()
            }
        }
        guard complete, let uid = found.uid, let resourceVersion = found.resourceVersion else { return nil }
        return (uid, resourceVersion)
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

    /// A string without escapes, as a String; nil for anything else.
    mutating func plainString() -> String? {
        guard let raw = rawString(), !raw.contains(UInt8(ascii: "\\")) else { return nil }
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
