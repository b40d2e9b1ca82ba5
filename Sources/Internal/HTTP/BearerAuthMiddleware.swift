import Crypto
import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <token>` with one of the accepted tokens on every path but the
/// probes. Tokens are compared as SHA-256 digests in constant time, so neither their length nor
/// their content leaks through timing.
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let digests: [[UInt8]]
    private let openPaths: Set<String>

    public init(tokens: [String], openPaths: Set<String> = ["/healthz", "/readyz"]) {
        digests = tokens.map { Array(SHA256.hash(data: Data($0.utf8))) }
        self.openPaths = openPaths
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if openPaths.contains(request.uri.path) { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError(.unauthorized, "missing bearer token")
        }
        let presented = Array(SHA256.hash(data: Data(header.dropFirst("bearer ".count).utf8)))
        // Check every token, so the time taken does not say which one (if any) matched.
        var matched = false
        for digest in digests where ConstantTime.equal(digest, presented) { matched = true }
        guard matched else { throw APIError(.unauthorized, "invalid bearer token") }
        return try await next(request, context)
    }
}

enum ConstantTime {
    /// Equal-length byte strings compared without an early exit.
    static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}

/// Token files: one token per line; blank lines and `#` comments are ignored.
public enum TokenFile {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(_ path: String) throws(Invalid) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Invalid(description: "cannot read token file \(path)")
        }
        let tokens = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !tokens.isEmpty else { throw Invalid(description: "token file \(path) holds no token") }
        guard tokens.allSatisfy({ $0.count >= 16 }) else {
            throw Invalid(description: "tokens in \(path) must be at least 16 characters")
        }
        return tokens
    }
}
