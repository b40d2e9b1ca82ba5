import CCurl
import Synchronization

/// A libcurl handle kept between requests, so that requests one after another to the same server
/// go over one connection (and one TLS session) instead of each opening its own: a drift check's
/// dozens of GETs to a cluster cost one handshake, not dozens.
///
/// Used by one request at a time: a request that finds it in use makes a handle of its own.
public final class CurlConnection: Sendable {
    /// A handle owned by whoever holds it: the connection while idle, one request while it runs.
    struct Handle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    private let idle = Mutex<Handle?>(nil)

    public init() {}

    /// The kept handle, its options cleared (its live connection kept), or nil when it is in use
    /// or was never made.
    func take() -> Handle? {
        guard let handle = idle.withLock({ idle in idle.take() }) else { return nil }
        curl_easy_reset(handle.pointer)
        return handle
    }

    /// Keeps `handle` for the next request; one kept already, this one is closed.
    func keep(_ handle: Handle) {
        let surplus: Handle? = idle.withLock { idle in
            guard idle == nil else { return handle }
            idle = handle
            return nil
        }
        if let surplus { curl_easy_cleanup(surplus.pointer) }
    }

    deinit {
        if let handle = idle.withLock({ $0.take() }) { curl_easy_cleanup(handle.pointer) }
    }
}
