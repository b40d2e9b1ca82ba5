import Foundation
import Testing
@testable import Internal

@Suite("Bearer token files")
struct TokenFileTests {
    func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "tokens-\(UUID())"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("one token per line; comments and blank lines are skipped")
    func readsTokens() throws {
        #expect(try TokenFile.read(file("# users\n\nalice-token-0123456789\n  bob-token-0123456789  \n"))
            == ["alice-token-0123456789", "bob-token-0123456789"])
    }

    @Test("short tokens, empty files and missing files are refused")
    func refusesWeakOrMissing() throws {
        #expect(throws: TokenFile.Invalid.self) { try TokenFile.read(file("short\n")) }
        #expect(throws: TokenFile.Invalid.self) { try TokenFile.read(file("# nothing\n")) }
        #expect(throws: TokenFile.Invalid.self) { try TokenFile.read("/nonexistent/tokens") }
    }

    @Test("digests compare equal only when every byte matches")
    func constantTimeCompare() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2]))
    }
}
