import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP relay on loopback to `target`, which a test can cut: from then on it forwards nothing
/// either way and answers no new connection, but closes nothing, as a network partition looks
/// to both ends (calls hang until their own timeouts). `restore` forwards again.
public final class TCPProxy: Sendable {
    public let port: Int
    private let listener: Int32
    private let switchboard = Switchboard()

    private final class Switchboard: Sendable {
        let cut = Atomic(false)
    }

    public init(to targetPort: Int) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 64) == 0 else { throw Failure(description: "cannot listen: \(String(cString: strerror(errno)))") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        let switchboard = self.switchboard
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var target = Self.loopback(port: targetPort)
                let connected = withUnsafePointer(to: &target) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard connected == 0 else {
                    close(client)
                    close(upstream)
                    continue
                }
                Thread.detachNewThread { Self.pump(from: client, to: upstream, switchboard) }
                Thread.detachNewThread { Self.pump(from: upstream, to: client, switchboard) }
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Stops forwarding, keeping every connection open.
    public func cut() { switchboard.cut.store(true, ordering: .sequentiallyConsistent) }
    public func restore() { switchboard.cut.store(false, ordering: .sequentiallyConsistent) }

    private static func pump(from source: Int32, to sink: Int32, _ switchboard: Switchboard) {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            // While cut, read nothing: what was sent stays in the kernel's buffers, unanswered.
            while switchboard.cut.load(ordering: .sequentiallyConsistent) { usleep(20_000) }
            var ready = pollfd(fd: source, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 50) >= 0 else { break }
            guard ready.revents != 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var sent = 0
            while sent < count {
                // MSG_NOSIGNAL: a peer that has gone must not SIGPIPE the test process.
                let written = buffer.withUnsafeBytes { send(sink, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { break }
                sent += written
            }
        }
        shutdown(sink, Int32(SHUT_WR))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}
