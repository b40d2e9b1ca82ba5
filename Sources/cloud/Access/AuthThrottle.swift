import Logging
import ServerSupport
import Synchronization

/// Failed authentication per client address. An address that fails `limit` times in a `window`
/// (a bad or missing token, a refused sign-in) is answered 429 until its window ends, without its
/// credentials being looked at: guessing tokens stops there, and so does a flood of refusals that
/// would each write an audit entry. A request that authenticates counts nothing.
///
/// Behind a proxy every client has the proxy's address, so one client's failures hold up the
/// others until the window ends; the limit is high enough that a person mistyping a token never
/// meets it.
final class AuthThrottle: Sendable {
    struct Configuration: Sendable {
        /// 0 turns the throttle off.
        var limit = 20
        var window: Duration = .seconds(60)
        /// How many addresses are followed at once; past it the oldest windows are forgotten.
        var maxAddresses = 10_000
    }

    /// Behind a lock: a check is a dictionary lookup, cheaper than a hop onto an actor.
    private let windows: Mutex<FailureWindows>
    private let clock: any WallClock

    init(configuration: Configuration = .init(), clock: any WallClock = SystemClock()) {
        windows = Mutex(FailureWindows(configuration: configuration))
        self.clock = clock
    }

    /// How many seconds `address` must wait before it may try again (rounded up, as Retry-After
    /// gives them); nil when it may now.
    func retryAfter(for address: String) -> Int64? {
        let now = clock.now
        guard let wait = windows.withLock({ $0.retryAfter(for: address, now: now) }) else { return nil }
        return max(1, wait.components.seconds + (wait.components.attoseconds > 0 ? 1 : 0))
    }

    /// Counts a failure, and logs the one that reaches the limit (the refusals after it are
    /// neither logged nor audited).
    func recordFailure(from address: String, logger: Logger) {
        let now = clock.now
        guard windows.withLock({ $0.recordFailure(from: address, now: now) }) else { return }
        logger.warning("too many failed authentications: refusing the address for a while", metadata: ["client": "\(address)"])
    }
}

/// The counting itself, with the time passed in, so its tests set the clock.
struct FailureWindows: Sendable {
    struct Window: Sendable {
        var start: WallInstant
        var failures: Int
    }

    let configuration: AuthThrottle.Configuration
    private(set) var windows: [String: Window] = [:]

    init(configuration: AuthThrottle.Configuration) {
        self.configuration = configuration
    }

    mutating func retryAfter(for address: String, now: WallInstant) -> Duration? {
        guard configuration.limit > 0, let window = windows[address] else { return nil }
        let end = window.start + configuration.window
        guard end > now else {
            windows[address] = nil
            return nil
        }
        return window.failures >= configuration.limit ? end - now : nil
    }

    mutating func recordFailure(from address: String, now: WallInstant) -> Bool {
        guard configuration.limit > 0 else { return false }
        if let window = windows[address], window.start + configuration.window > now {
            windows[address]?.failures += 1
        } else {
            if windows.count >= configuration.maxAddresses { forgetOldest(now: now) }
            windows[address] = Window(start: now, failures: 1)
        }
        return windows[address]?.failures == configuration.limit
    }

    /// Drops the windows that have ended, or, when none has, the older half: a flood of new
    /// addresses cannot grow the table, and each drop pays for as many insertions.
    private mutating func forgetOldest(now: WallInstant) {
        windows = windows.filter { $0.value.start + configuration.window > now }
        guard windows.count >= configuration.maxAddresses else { return }
        let starts = windows.values.map(\.start).sorted()
        let cutoff = starts[starts.count / 2]
        windows = windows.filter { $0.value.start > cutoff }
    }
}
