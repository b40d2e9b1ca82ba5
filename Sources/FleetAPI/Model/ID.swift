import Foundation

/// 26-character identifiers in the Go code base's format (model.NewID): 16 random bytes in base32
/// with Mattermost's alphabet, unpadded.
public enum ID {
    private static let alphabet = Array("ybndrfg8ejkmcpqxot1uwisza345h769".utf8)

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return encode(bytes)
    }

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Client-chosen IDs: letters, digits, `.`, `_` and `-`, at most 64 characters.
    /// Checked byte by byte: this runs for every request, and a Swift regex costs microseconds.
    public static func isValid(_ id: String) -> Bool {
        let bytes = id.utf8
        return (1...64).contains(bytes.count)
            && bytes.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}
