/// Byte classes for the validators that run on every request, which check bytes by hand: a Swift
/// regex costs microseconds per match, and these ran several times per deployment.
extension UInt8 {
    public var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    public var isASCIILetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    public var isASCIIAlphanumeric: Bool { isASCIIDigit || isASCIILetter }
}

extension String.UTF8View {
    /// Whether `word` (ASCII) occurs, optionally with ASCII letters in either case.
    public func containsASCII(_ word: StaticString, ignoringCase: Bool = false) -> Bool {
        let needle = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard let first = needle.first else { return true }
        let fold: (UInt8) -> UInt8 = ignoringCase ? { $0.isASCIILetter ? $0 | 0x20 : $0 } : { $0 }
        var index = startIndex
        while index != endIndex {
            if fold(self[index]) == fold(first) {
                var probe = index
                var matched = true
                for byte in needle {
                    guard probe != endIndex, fold(self[probe]) == fold(byte) else {
                        matched = false
                        break
                    }
                    formIndex(after: &probe)
                }
                if matched { return true }
            }
            formIndex(after: &index)
        }
        return false
    }
}
