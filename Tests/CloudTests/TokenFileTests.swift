import Foundation
import ServerSupport
import Testing

@testable import cloud

@Suite("Bearer token files")
struct TokenFileTests {
    func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "tokens-\(UUID())"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("one token per line; comments and blank lines are skipped")
    func readsTokens() throws {
        #expect(
            try TokenFile.read(file("# users\n\nalice-token-0123456789\n  bob-token-0123456789  \n"))
                == ["alice-token-0123456789", "bob-token-0123456789"]
        )
    }

    @Test("short tokens, empty files and missing files are refused")
    func refusesWeakOrMissing() throws {
        #expect(throws: TokenFile.Invalid.self) { try TokenFile.read(file("short\n")) }
        #expect(throws: TokenFile.Invalid.self) { try TokenFile.read(file("# nothing\n")) }
        #expect(throws: TokenFile.Invalid.self) { try TokenFile.read("/nonexistent/tokens") }
    }

    @Test("bare lines are admins named by line; role lines carry their role and name")
    func readsRoles() throws {
        let entries = try TokenFile.entries(
            file("# users\nalice-token-0123456789\n\nci-token-0123456789 viewer ci-viewer\nbob-token-0123456789 operator bob\n")
        )
        #expect(
            entries == [
                .init(token: "alice-token-0123456789", role: .admin, name: "token-2"),
                .init(token: "ci-token-0123456789", role: .viewer, name: "ci-viewer"),
                .init(token: "bob-token-0123456789", role: .operator, name: "bob"),
            ]
        )
    }

    @Test(
        "a bad line is refused naming the file and line, never the token",
        arguments: [
            ("ok-token-0123456789\nsecret-token-0123456789 root ci\n", "line 2: unknown role"),
            ("secret-token-0123456789 viewer\n", "line 1: expected TOKEN or TOKEN ROLE NAME"),
            ("secret-token-0123456789 viewer ci extra\n", "line 1: expected TOKEN or TOKEN ROLE NAME"),
            ("short viewer ci\n", "line 1: the token is shorter than 16 characters"),
            ("secret-token-0123456789 viewer ci\nother-token-0123456789 admin ci\n", "line 2: the name ci is also used on line 1"),
            ("secret-token-0123456789 viewer ci\nsecret-token-0123456789 admin root\n", "line 2: the same token as line 1"),
            ("secret-token-0123456789 viewer c/i\n", "line 1: a name is"),
            ("other-token-0123456789 viewer token-2\nsecret-token-0123456789\n", "line 2: the name token-2 is also used on line 1"),
        ]
    )
    func refusesBadLines(_ text: String, _ expected: String) throws {
        let path = try file(text)
        do {
            _ = try TokenFile.entries(path)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix("token file \(path) \(expected)"), "\(error.description)")
            #expect(!error.description.contains("secret-token"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("files of full-access tokens refuse lesser roles")
    func fullAccessFilesRefuseRoles() throws {
        #expect(try TokenFile.read(file("a-token-0123456789 admin cloud\n")) == ["a-token-0123456789"])
        #expect(throws: TokenFile.Invalid.self) { try TokenFile.read(file("a-token-0123456789 viewer ci\n")) }
    }

    @Test("a presented token finds its holder; others are 401s")
    func authenticates() throws {
        let tokens = APITokens([.init(token: "ci-token-0123456789", role: .viewer, name: "ci")])
        #expect(try tokens.authenticate("Bearer ci-token-0123456789").get() == .init(role: .viewer, name: "ci"))
        #expect(throws: APIError.self) { try tokens.authenticate("Bearer ci-token-012345678").get() }
        #expect(throws: APIError.self) { try tokens.authenticate(nil).get() }
    }

    @Test("digests compare equal only when every byte matches")
    func constantTimeCompare() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2]))
    }
}
