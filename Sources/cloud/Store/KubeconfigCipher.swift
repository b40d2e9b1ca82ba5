import Crypto
import Foundation

/// Encrypts kubeconfigs at rest with AES-256-GCM.
///
/// Keys come from `--secret-key-file`: one base64-encoded 32-byte key per line
/// (`head -c 32 /dev/urandom | base64`). The first key encrypts; every key decrypts. To rotate, put
/// a new key first and restart: the store re-encrypts every kubeconfig with it at start-up, after
/// which the old lines can be removed.
struct KubeconfigCipher: Sendable {
    struct Key: Sendable {
        /// The first 8 hex digits of the key's SHA-256: names the key in each ciphertext.
        var id: String
        var bytes: [UInt8]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let prefix = "aesgcm:v1:"
    let keys: [Key]

    init(keys: [[UInt8]]) throws(Failure) {
        guard !keys.isEmpty else { throw Failure(description: "no encryption key given") }
        guard keys.allSatisfy({ $0.count == 32 }) else { throw Failure(description: "encryption keys must be 32 bytes (base64 of 32 random bytes)") }
        self.keys = keys.map { Key(id: String(SHA256.hash(data: $0).map { String(format: "%02x", $0) }.joined().prefix(8)), bytes: $0) }
    }

    static func load(path: String) throws(Failure) -> KubeconfigCipher {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(description: "cannot read the secret key file \(path)")
        }
        var keys: [[UInt8]] = []
        for line in text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) })
        where !line.isEmpty && !line.hasPrefix("#") {
            guard let data = Data(base64Encoded: line) else { throw Failure(description: "\(path): a line is not base64") }
            keys.append(Array(data))
        }
        return try KubeconfigCipher(keys: keys)
    }

    var currentKeyID: String { keys[0].id }

    func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: SymmetricKey(data: keys[0].bytes))
        guard let combined = box.combined else { throw Failure(description: "AES-GCM produced no ciphertext") }
        return "\(Self.prefix)\(keys[0].id):\(combined.base64EncodedString())"
    }

    /// The plaintext of a stored value; values written before encryption was enabled pass through.
    func open(_ stored: String) throws -> String {
        guard let keyID = Self.keyID(of: stored) else { return stored }
        guard let key = keys.first(where: { $0.id == keyID }) else {
            throw Failure(description: "a kubeconfig is encrypted with key \(keyID), which the secret key file no longer holds")
        }
        let payload = stored.dropFirst(Self.prefix.count + keyID.count + 1)
        guard let combined = Data(base64Encoded: String(payload)) else { throw Failure(description: "a stored kubeconfig is corrupt") }
        let plaintext = try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: SymmetricKey(data: key.bytes))
        return String(decoding: plaintext, as: UTF8.self)
    }

    /// The key a stored value was encrypted with; nil for plaintext.
    static func keyID(of stored: String) -> String? {
        guard stored.hasPrefix(prefix) else { return nil }
        return stored.dropFirst(prefix.count).split(separator: ":", maxSplits: 1).first.map(String.init)
    }
}
