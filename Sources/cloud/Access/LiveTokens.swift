import Synchronization

/// The API's tokens as the token file has them now. `TokenFileWatcher` replaces them when the file
/// changes, so a token taken out of the file stops working (and its holder's sessions end) without
/// a restart; every request reads the current set.
final class LiveTokens: Sendable {
    private let tokens: Mutex<APITokens>

    init(_ tokens: APITokens) {
        self.tokens = Mutex(tokens)
    }

    var current: APITokens { tokens.withLock { $0 } }

    func replace(with tokens: APITokens) {
        self.tokens.withLock { $0 = tokens }
    }
}
